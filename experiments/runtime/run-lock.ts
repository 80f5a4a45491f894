// One run at a time on a results folder and a cache folder. Two runs on the
// same folders would both recompute everything and race on the same job files
// and artifact renames; the second refuses with one line instead. The lock is
// a file beside the folder (`<parent>/.<name>.modularity-run.lock`, so taking it
// creates nothing in a folder a failed run must leave untouched), created
// exclusively (O_EXCL) and holding the owner's pid; a lock whose process is gone
// (a killed run) is taken over, with a line saying so.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors.ts';

/** The lock file of a folder. */
export function lockFileOf(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.modularity-run.lock`);
}

export interface RunLock {
  release(): void;
  /** Lines about stale locks taken over. */
  notes: string[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(path: string, what: string, notes: string[]): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A folder nobody here can write to needs no lock: nothing will be written there (a run that must write says so before its jobs).
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
        notes.push(`${dirname(path)} is not writable (${code}): ${what} not locked`);
        return false;
      }
      if (code !== 'EEXIST') throw err;
    }
    let owner: { pid?: number; host?: string; since?: string } = {};
    try {
      owner = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      // Unreadable: a run killed while writing it. Treated as stale.
    }
    const sameHost = owner.host === undefined || owner.host === hostname();
    if (owner.pid !== undefined && (!sameHost || alive(owner.pid))) {
      throw new UserError(
        `another run (pid ${owner.pid}${sameHost ? '' : ` on ${owner.host}`}, since ${owner.since ?? '?'}) is using ${what}: wait for it to finish, or stop it`,
      );
    }
    notes.push(`took over the lock of a run that is gone (pid ${owner.pid ?? '?'}): ${path}`);
    rmSync(path, { force: true });
  }
  throw new UserError(`could not take the lock ${path}`);
}

/** Locks each folder (created if needed); releases all on release() or process exit. */
export function acquireRunLock(dirs: string[]): RunLock {
  const taken: string[] = [];
  const notes: string[] = [];
  const release = () => {
    for (const p of taken.splice(0)) rmSync(p, { force: true });
    process.off('exit', release);
  };
  try {
    for (const dir of [...new Set(dirs.map((d) => resolve(d)))]) {
      const path = lockFileOf(dir);
      if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
      if (tryTake(path, dir, notes)) taken.push(path);
    }
  } catch (err) {
    release();
    throw err;
  }
  process.on('exit', release);
  return { release, notes };
}
