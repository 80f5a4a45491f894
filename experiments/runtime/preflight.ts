// Checks made before any job starts, so that a run which could not keep its
// results stops at once with one line instead of after hours of training: the
// backend asked for is installed, and the results and cache folders are folders
// (or can be created), are writable, and have some free space. Nothing is left
// behind: writability is tested with a probe file that is removed at once.
import { existsSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { backendInstalled, backendProblemLine, type BackendChoice } from './backend.ts';
import { UserError } from './errors.ts';

/** Below this much free space a run is refused (artifacts and job files are a few MB; a full disk fails late). */
export const MIN_FREE_MB_DEFAULT = 64;
/** Overrides the threshold, in MiB (0 turns the check off). */
export const MIN_FREE_ENV = 'MODULARITY_MIN_FREE_MB';

const MIB = 1024 * 1024;

export interface PreflightDeps {
  statfs?: (path: string) => { bavail: number | bigint; bsize: number | bigint };
  writeProbe?: (path: string) => void;
}

export function minFreeBytes(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[MIN_FREE_ENV];
  if (raw === undefined || raw === '') return MIN_FREE_MB_DEFAULT * MIB;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new UserError(`${MIN_FREE_ENV}: "${raw}" is not a number of MiB`);
  return Number(raw) * MIB;
}

/** `--backend node` (or node-gpu) when its package is not installed: one line, before any worker starts. */
export function checkBackend(choice: BackendChoice, resolve?: (pkg: string) => string): void {
  if (choice !== 'auto' && !backendInstalled(choice, resolve)) throw new UserError(backendProblemLine(choice, 'not installed'));
}

/** The folder itself when it exists, else its nearest existing ancestor (where it would be created). */
function nearestExisting(dir: string): string {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/**
 * Refuses a folder path that is a file or lies below one (such a results
 * folder cannot even be read, so this is checked before planning); returns
 * the folder or the ancestor it would be created in.
 */
export function checkNotAFile(flag: string, dir: string): string {
  const at = nearestExisting(dir);
  if (!statSync(at).isDirectory()) {
    throw new UserError(at === dir ? `${flag}: "${dir}" is a file, not a folder` : `${flag}: "${dir}" cannot be created: ${at} is a file`);
  }
  return at;
}

/** Refuses `dir` (given by `flag`) when it is a file, lies below a file, is not writable, or its disk is (nearly) full. */
export function checkOutputDir(flag: string, dir: string, minFree: number, deps: PreflightDeps = {}): void {
  const at = checkNotAFile(flag, dir);
  const probe = join(at, `.preflight-${process.pid}-${Date.now()}.tmp`);
  try {
    (deps.writeProbe ?? ((p: string) => writeFileSync(p, '')))(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code ?? e.message.split('\n')[0];
    throw new UserError(at === dir ? `${flag}: "${dir}" is not writable (${why})` : `${flag}: "${dir}" cannot be created: ${at} is not writable (${why})`);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // The probe was never created.
    }
  }
  if (minFree <= 0) return;
  const s = (deps.statfs ?? statfsSync)(at);
  const free = Number(s.bavail) * Number(s.bsize);
  if (free < minFree) {
    throw new UserError(`${flag}: "${dir}" has only ${mib(free)} free (a run needs at least ${mib(minFree)}; ${MIN_FREE_ENV} sets the threshold)`);
  }
}

export interface OutputDirs {
  resultsDir: string;
  cacheDir: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** The full check of both output folders (before jobs start). */
export function checkOutputDirs(dirs: OutputDirs, deps: PreflightDeps = {}): void {
  const minFree = minFreeBytes(dirs.env ?? process.env);
  checkOutputDir('--results-dir', dirs.resultsDir, minFree, deps);
  checkOutputDir('--cache-dir', dirs.cacheDir, minFree, deps);
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;
}
