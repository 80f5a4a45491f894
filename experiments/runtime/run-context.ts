// What both CLIs (experiments, verify) set up from their flags: the data
// directory, the caches, and how an experiment's dataset is made ready. The
// jobs get the data paths as values (JobContext.data), not through the environment.
import { join, resolve } from 'node:path';
import { resolveDataDir, type ResolvedDataDir } from '../data/images/data-dir.ts';
import { datasetsFor, ensureDatasets } from './datasets.ts';

export interface RunContext {
  dataDir: ResolvedDataDir;
  cacheDir: string;
  prepare: (experimentIds: string[]) => Promise<void>;
}

export function runContext(flags: { 'data-dir'?: string; 'cache-dir'?: string; offline?: boolean }, log: (line: string) => void): RunContext {
  const dataDir = resolveDataDir(flags['data-dir'], process.env, process.cwd());
  const cacheDir = resolve(flags['cache-dir'] ?? '.cache');
  const imageCacheDir = join(cacheDir, 'images');
  return {
    dataDir,
    cacheDir,
    prepare: (ids) => ensureDatasets(datasetsFor(ids), { dataDir, download: !flags.offline, imageCacheDir, fetch: globalThis.fetch, log }),
  };
}
