// verifyArtifacts as `npm run verify` runs it, for tests: freshness on the
// wasm backend, the shared datasets when at hand (decoded CIFAR-10 JPEGs cached
// in <repo>/.cache/images, as the e2e test does).
import { join } from 'node:path';
import { IMAGE_CACHE_ENV } from '../../experiments/data/images/cifar10-data.ts';
import { resolveDataDir } from '../../experiments/data/images/data-dir.ts';
import type { ProfileName } from '../../experiments/artifacts/schema.ts';
import { datasetsFor, ensureDatasets } from '../../experiments/runtime/datasets.ts';
import { verifyArtifacts, type VerifyReport } from '../../experiments/runtime/verify-artifacts.ts';
import type { AnyExperiment } from '../../experiments/tasks/experiment.ts';
import { useBackend } from './backend.ts';
import { useSharedData } from './shared-data.ts';

const REPO = join(import.meta.dirname, '../..');

export function prepareShared(): (ids: string[]) => Promise<void> {
  useSharedData();
  process.env[IMAGE_CACHE_ENV] ??= join(REPO, '.cache', 'images');
  return (ids) =>
    ensureDatasets(datasetsFor(ids), {
      dataDir: resolveDataDir(undefined, process.env, REPO),
      download: false,
      fetch: globalThis.fetch,
      log: () => {},
      imageCacheDir: process.env[IMAGE_CACHE_ENV]!,
    });
}

export async function verifyWithFreshness(resultsDir: string, profile: ProfileName, experiments: AnyExperiment[], cacheDir: string): Promise<VerifyReport[]> {
  const prepare = prepareShared();
  return verifyArtifacts({
    resultsDir,
    profile,
    experiments,
    freshness: {
      experimentsRoot: join(REPO, 'experiments'),
      cacheDir,
      dataDir: useSharedData(),
      imageCacheDir: process.env[IMAGE_CACHE_ENV]!,
      backend: await useBackend('wasm'),
      log: () => {},
      dataReady: (id) =>
        prepare([id]).then(
          () => true,
          () => false,
        ),
    },
  });
}
