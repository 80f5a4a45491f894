// One-off migration of the published artifacts' cache keys from the code-text
// scheme (hash of the experiment's import graph) to the behaviour scheme
// (config + numerics fingerprint + digest of the data read + backend).
//
// It is only valid on a tree where each artifact is fresh under the OLD scheme:
// then the code on disk is the code that produced the artifact, and its
// fingerprint (taken here, on the same backend) is the producer's. The script
// refuses otherwise, and refuses a dirty tree. It writes
// content/results/key-migration.json, which the new cache-key code reads to
// adopt each artifact whose old key matches; the record names the commit it
// was taken on, so anyone can check it out and take it again.
//
//   MODULARITY_DATA_DIR=../shared/data npx tsx scripts/record-key-migration.ts
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readArtifact } from '../experiments/artifacts/store.ts';
import { IMAGE_CACHE_ENV } from '../experiments/data/images/cifar10-data.ts';
import { resolveDataDir } from '../experiments/data/images/data-dir.ts';
import { initBackend } from '../experiments/runtime/backend.ts';
import { computeCacheKey } from '../experiments/runtime/cache-key.ts';
import { dataDigestOf } from '../experiments/runtime/data-digest.ts';
import { datasetsFor, ensureDatasets } from '../experiments/runtime/datasets.ts';
import { computeFingerprint, environmentId, FINGERPRINT_VERSION } from '../experiments/runtime/fingerprint.ts';
import { gitInfo } from '../experiments/runtime/git-info.ts';
import { writeFileAtomic } from '../experiments/runtime/atomic-write.ts';
import { EXPERIMENTS } from '../experiments/tasks/registry.ts';

const ROOT = resolve(import.meta.dirname, '..');
const resultsDir = join(ROOT, 'content/results');
const git = gitInfo(ROOT);
if (git.dirty) throw new Error('refusing: the tree is dirty (the record must name a commit that holds exactly this code)');
const dataDir = resolveDataDir(undefined, process.env, process.cwd());
process.env[IMAGE_CACHE_ENV] ??= join(ROOT, '.cache', 'images');
await ensureDatasets(datasetsFor(EXPERIMENTS.map((e) => e.id)), {
  dataDir, download: false, imageCacheDir: process.env[IMAGE_CACHE_ENV]!, fetch: globalThis.fetch, log: (l) => console.log(l),
});
const active = await initBackend('auto');
const artifacts: Record<string, unknown> = {};
for (const e of EXPERIMENTS) {
  const a = readArtifact(resultsDir, 'quick', e.id);
  if (!a) continue;
  const old = computeCacheKey(join(ROOT, 'experiments'), e.id, 'quick', e.profiles.quick, e.dataVersion);
  if (old.key !== a.provenance.cache.key) throw new Error(`refusing: quick/${e.id} is not fresh under the old scheme on this tree`);
  if (a.provenance.backend.name !== active.info.name || a.provenance.backend.kernels !== active.info.kernels || a.provenance.versions.tfjs !== tf.version_core) {
    throw new Error(`refusing: quick/${e.id} was computed on ${a.provenance.backend.name}/${a.provenance.backend.kernels}, this process has ${active.info.name}/${active.info.kernels}`);
  }
  const start = performance.now();
  const fingerprint = computeFingerprint(e, active.kernels);
  const data = dataDigestOf(e.id, e.dataVersion, dataDir.dir);
  if (!data) throw new Error(`refusing: no data for ${e.id} in ${dataDir.dir}`);
  artifacts[`quick/${e.id}`] = { oldKey: old.key, fingerprint, data: data.digest, dataRead: data.what.replace(ROOT, '.'), environment: environmentId(active.info, tf.version_core) };
  console.log(`quick/${e.id}: fresh under the old key ${old.key.slice(0, 12)}; fingerprint ${fingerprint.slice(0, 12)} (${((performance.now() - start) / 1000).toFixed(1)} s); data ${data.digest.slice(0, 12)} from ${data.what}`);
}
const record = {
  about: 'Cache keys of the published artifacts moved from the code-text scheme to the behaviour scheme. Each entry was taken on the commit below, where the artifact was fresh under its old key (the code on disk produced it), by scripts/record-key-migration.ts.',
  commit: git.commit, fingerprintVersion: FINGERPRINT_VERSION, recordedAt: new Date().toISOString(), artifacts,
};
writeFileAtomic(join(resultsDir, 'key-migration.json'), `${JSON.stringify(record, null, 1)}\n`);
console.log(`wrote ${join(resultsDir, 'key-migration.json')}`);
