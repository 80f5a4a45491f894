// The checks made before any job starts (preflight.ts), with the file system's
// answers injected where a test cannot produce them (a full disk; a read-only
// folder, which root writes anyway); and the one-line form of file-system errors.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asUserError, UserError, withPath } from '../../experiments/runtime/errors.ts';
import { checkBackend, checkOutputDir, checkOutputDirs, minFreeBytes } from '../../experiments/runtime/preflight.ts';

const root = mkdtempSync(join(tmpdir(), 'preflight-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MIB = 1024 * 1024;
const errno = (code: string, extra: Record<string, string> = {}) => Object.assign(new Error(`${code}: something`), { code, ...extra });

function message(f: () => void): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('checkOutputDir', () => {
  it('accepts a writable folder with room, and one that does not exist yet, leaving nothing behind', () => {
    const dir = join(root, 'ok');
    mkdirSync(dir);
    checkOutputDir('--results-dir', dir, 64 * MIB);
    checkOutputDir('--results-dir', join(dir, 'not', 'yet'), 64 * MIB);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a file, a path below a file, a folder that is not writable, a full disk', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(message(() => checkOutputDir('--cache-dir', file, 0))).toBe(`--cache-dir: "${file}" is a file, not a folder`);
    expect(message(() => checkOutputDir('--cache-dir', join(file, 'a'), 0))).toBe(`--cache-dir: "${join(file, 'a')}" cannot be created: ${file} is a file`);
    const ro = {
      writeProbe: () => {
        throw errno('EROFS');
      },
    };
    expect(message(() => checkOutputDir('--results-dir', root, 0, ro))).toBe(`--results-dir: "${root}" is not writable (EROFS)`);
    expect(message(() => checkOutputDir('--results-dir', join(root, 'new'), 0, ro))).toBe(
      `--results-dir: "${join(root, 'new')}" cannot be created: ${root} is not writable (EROFS)`,
    );
    const full = { statfs: () => ({ bavail: 3n, bsize: 4096n }) };
    expect(message(() => checkOutputDir('--results-dir', root, 64 * MIB, full))).toBe(
      `--results-dir: "${root}" has only 0.0 MiB free (a run needs at least 64 MiB; MODULARITY_MIN_FREE_MB sets the threshold)`,
    );
    const some = { statfs: () => ({ bavail: 5000, bsize: 4096 }) };
    expect(message(() => checkOutputDirs({ resultsDir: root, cacheDir: root, env: {} }, some))).toMatch(/has only 20 MiB free/);
    checkOutputDirs({ resultsDir: root, cacheDir: root, env: { MODULARITY_MIN_FREE_MB: '0' } }, some);
    expect(readdirSync(root).sort()).toEqual(['file', 'ok']);
  });

  it('reads the threshold from MODULARITY_MIN_FREE_MB', () => {
    expect(minFreeBytes({})).toBe(64 * MIB);
    expect(minFreeBytes({ MODULARITY_MIN_FREE_MB: '1.5' })).toBe(1.5 * MIB);
    expect(message(() => minFreeBytes({ MODULARITY_MIN_FREE_MB: 'lots' }))).toBe('MODULARITY_MIN_FREE_MB: "lots" is not a number of MiB');
  });
});

describe('checkBackend', () => {
  it('names a backend package that is not installed', () => {
    const missing = () => {
      throw new Error("Cannot find module '@tensorflow/tfjs-node'");
    };
    expect(message(() => checkBackend('node', missing))).toBe(
      '--backend node: @tensorflow/tfjs-node is not installed (its install downloads libtensorflow; see README "Backends and GPUs")',
    );
    expect(message(() => checkBackend('node-gpu', missing))).toMatch(/^--backend node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
    checkBackend('auto', missing);
    checkBackend('wasm');
  });
});

describe('asUserError', () => {
  it('turns a full disk, a read-only or forbidden path into one line naming the path; leaves bugs alone', () => {
    expect(asUserError(withPath(errno('ENOSPC', { syscall: 'write' }), '/r/ci/x.json'))?.message).toBe(
      '/r/ci/x.json: no space left on the device (ENOSPC on write)',
    );
    expect(asUserError(errno('EROFS', { syscall: 'mkdir', path: '/r' }))?.message).toBe('/r: read-only file system (EROFS on mkdir)');
    expect(asUserError(errno('EACCES', { syscall: 'open', path: '/c/j' }), '/other')?.message).toBe('/c/j: permission denied (EACCES on open)');
    const user = new UserError('bad');
    expect(asUserError(user)).toBe(user);
    expect(asUserError(new TypeError('x is undefined'))).toBeNull();
    expect(asUserError(errno('ECONNRESET'))).toBeNull();
  });
});
