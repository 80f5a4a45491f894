// What both CLIs (experiments, verify) set up from their flags: the data
// directory, the caches, and how an experiment's dataset is made ready.
// Worker processes inherit the environment: this is how the jobs find the data.
import { join, resolve } from 'node:path';
import { IMAGE_CACHE_ENV } from '../data/images/cifar10-data.ts';
import { DATA_DIR_ENV, resolveDataDir, type ResolvedDataDir } from '../data/images/data-dir.ts';
import { datasetsFor, ensureDatasets } from './datasets.ts';

export interface RunContext {
  dataDir: ResolvedDataDir;
  cacheDir: string;
  prepare: (experimentIds: string[]) => Promise<void>;
}

export function runContext(flags: { 'data-dir'?: string; 'cache-dir'?: string; offline?: boolean }, log: (line: string) => void): RunContext {
  const dataDir = resolveDataDir(flags['data-dir'], process.env, process.cwd());
  process.env[DATA_DIR_ENV] = dataDir.dir;
  const cacheDir = resolve(flags['cache-dir'] ?? '.cache');
  const imageCacheDir = join(cacheDir, 'images');
  process.env[IMAGE_CACHE_ENV] = imageCacheDir;
  return {
    dataDir, cacheDir,
    prepare: (ids) => ensureDatasets(datasetsFor(ids), { dataDir, download: !flags.offline, imageCacheDir, fetch: globalThis.fetch, log }),
  };
}
