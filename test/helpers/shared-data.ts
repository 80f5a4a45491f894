// The real datasets for tests: MODULARITY_DATA_DIR when set, else the shared
// read-only copy beside the work folders (<repo>/../shared/data). Tests of
// experiments that need a dataset which is absent are skipped, visibly.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATA_DIR_ENV } from '../../experiments/data/images/data-dir.ts';
import { findMnistDir } from '../../experiments/data/images/mnist.ts';
import { findCifar10 } from '../../experiments/data/images/cifar10.ts';
import { DATASETS_OF, type DatasetName } from '../../experiments/runtime/datasets.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** Points the project at the shared copy when nothing else is configured; returns the data directory. */
export function useSharedData(): string {
  const shared = resolve(REPO, '../shared/data');
  if (!process.env[DATA_DIR_ENV] && existsSync(shared)) process.env[DATA_DIR_ENV] = shared;
  return process.env[DATA_DIR_ENV] ?? join(REPO, 'data');
}

function present(name: DatasetName, dir: string): boolean {
  return name === 'mnist' ? findMnistDir(dir) !== null : findCifar10(dir, 'auto') !== null;
}

/** Whether every dataset an experiment reads is in `dir`. */
export function hasDataFor(experimentId: string, dir: string): boolean {
  return (DATASETS_OF[experimentId] ?? []).every((d) => present(d, dir));
}
