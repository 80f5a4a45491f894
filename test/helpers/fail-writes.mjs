// Preloaded into a CLI (NODE_OPTIONS=--import) to stand in for a read-only or
// full disk, which a test cannot make (and which root can write anyway): every
// write, mkdir or rename of a path under $FAIL_WRITES_UNDER fails with
// $FAIL_WRITES_CODE (EROFS by default), as the kernel's would. With
// FAIL_WRITES_AFTER_PREFLIGHT=1 the preflight's probe file still succeeds, so
// the failure comes later, during the run; FAIL_WRITES_OPS (e.g. "write")
// limits which calls fail. Worker processes inherit it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const under = process.env.FAIL_WRITES_UNDER ? resolve(process.env.FAIL_WRITES_UNDER) : null;
const code = process.env.FAIL_WRITES_CODE || 'EROFS';
const probeAllowed = process.env.FAIL_WRITES_AFTER_PREFLIGHT === '1';
const ops = (process.env.FAIL_WRITES_OPS || 'write,mkdir,rename,open').split(',');
const messages = { EROFS: 'read-only file system', ENOSPC: 'no space left on device', EACCES: 'permission denied' };

const hits = (p) => under && p && (p === under || p.startsWith(`${under}/`)) && !(probeAllowed && p.includes('.preflight-'));

function guard(name, original, syscall, when = () => true) {
  fs[name] = function (path, ...rest) {
    const p = typeof path === 'string' ? resolve(path) : null;
    if (hits(p) && when(rest)) {
      // A failed write(2) names no path (Node's error has none); open(2), mkdir(2) and rename(2) do.
      const named = syscall !== 'write';
      const err = new Error(`${code}: ${messages[code] ?? code}, ${syscall}${named ? ` '${p}'` : ''}`);
      Object.assign(err, { code, syscall, ...(named ? { path: p } : {}) });
      throw err;
    }
    return original.call(this, path, ...rest);
  };
}

if (under) {
  if (ops.includes('write')) guard('writeFileSync', fs.writeFileSync, 'write');
  if (ops.includes('mkdir')) guard('mkdirSync', fs.mkdirSync, 'mkdir');
  if (ops.includes('rename')) guard('renameSync', fs.renameSync, 'rename');
  if (ops.includes('open')) guard('openSync', fs.openSync, 'open');
  // Files written through a descriptor (open, write, fsync): the write is what fails, as on a full disk.
  else if (ops.includes('write')) guard('openSync', fs.openSync, 'write', ([flags]) => typeof flags === 'string' && /[wa+]/.test(flags));
  syncBuiltinESMExports();
}
