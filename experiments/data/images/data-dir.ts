// Where the real datasets live. The project never assumes a machine-specific
// path: an explicit flag wins, then the environment (CI and tests point it at a
// shared read-only copy), then ./data beside the working directory.
import { join, resolve } from 'node:path';
import { UserError } from '../../runtime/errors.ts';

export const DATA_DIR_ENV = 'MODULARITY_DATA_DIR';
export const DEFAULT_DATA_DIR = 'data';

export interface ResolvedDataDir {
  dir: string;
  /** How it was chosen, for messages ("from MODULARITY_DATA_DIR"). */
  from: 'flag' | 'env' | 'default';
}

export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): ResolvedDataDir {
  if (flag !== undefined && flag !== '') return { dir: resolve(cwd, flag), from: 'flag' };
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolve(cwd, fromEnv), from: 'env' };
  return { dir: resolve(cwd, DEFAULT_DATA_DIR), from: 'default' };
}

/**
 * Where a job reads real data: the data directory and the cache of decoded
 * images. Passed into the jobs as a value (JobContext.data), like the other
 * effects; only the commands read the environment to choose them.
 */
export interface DataPaths {
  dataDir: string;
  imageCacheDir: string;
}

/** The data paths of a run: its data directory (null: as the environment or the default says) and its image cache (default: in its cache folder). */
export function dataPaths(
  o: { dataDir: string | null; cacheDir: string; imageCacheDir?: string },
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DataPaths {
  return { dataDir: o.dataDir ?? resolveDataDir(undefined, env, cwd).dir, imageCacheDir: o.imageCacheDir ?? join(o.cacheDir, 'images') };
}

export function describeDataDir(d: ResolvedDataDir): string {
  const how = d.from === 'flag' ? 'given on the command line' : d.from === 'env' ? `from ${DATA_DIR_ENV}` : `the default; set ${DATA_DIR_ENV} to change it`;
  return `${d.dir} (${how})`;
}

/**
 * The one-line error for a dataset that is not there and may not be fetched:
 * what was looked for, where, and how to get it.
 */
export function datasetMissingError(dataset: string, lookedFor: string[], howToGet: string): UserError {
  return new UserError(`${dataset} not found: looked for ${lookedFor.join(', ')}; ${howToGet}`);
}
