// Freshness by behaviour. An experiment's numerics fingerprint is the digest of
// what its code computes on one small fixed run: the first seed of its ci
// profile, every part, timings left out. A refactor that keeps the numbers
// bit-identical keeps the fingerprint, so it does not make the published
// artifacts stale; a change that alters any number the run produces (a loss,
// an accuracy, one bit of a mask) changes it. The ci profile exercises every
// code path of the experiment (that is what it is for), at a size that takes
// seconds.
//
// Computing it costs that run (5–15 s an experiment), so it is cached under the
// hash of the code text and the backend: the run happens once per code change.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BackendInfo } from '../artifacts/schema.ts';
import type { Kernels } from '../masking/kernels/index.ts';
import type { DataPaths } from '../data/images/data-dir.ts';
import type { AnyExperiment, SeedOutput } from '../tasks/experiment.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { canonicalJson } from '../artifacts/digest.ts';

/** Bumped when what the fingerprint covers changes (then every artifact is stale once). */
export const FINGERPRINT_VERSION = 1;

/** The run a fingerprint is taken on: the ci profile's first seed. */
export function fingerprintRun(experiment: AnyExperiment): { config: { seeds: number[] }; seed: number; parts: (string | null)[] } {
  const config = experiment.profiles.ci as { seeds: number[] };
  const seed = config.seeds[0];
  const parts = experiment.parts?.(config, seed).map((p) => p.id) ?? [null];
  return { config, seed, parts };
}

/** The digest of some seed outputs, without the wall-clock fields. */
export function digestOutputs(outputs: SeedOutput[]): string {
  const stripped = outputs.map((o) => ({
    ...o,
    stages: o.stages.map((s) => ({ stage: s.stage, steps: s.steps })),
    masks: o.masks.map((m) => ({ ...m, packed: Buffer.from(m.packed).toString('base64') })),
  }));
  return createHash('sha256')
    .update(`fingerprint-v${FINGERPRINT_VERSION}\0${canonicalJson(stripped)}`)
    .digest('hex');
}

/** Runs the fingerprint run in this process (the backend must be initialised). */
export function computeFingerprint(experiment: AnyExperiment, kernels: Kernels, data?: DataPaths): string {
  const { config, seed, parts } = fingerprintRun(experiment);
  let t = 0;
  const outputs = parts.map((part) => experiment.runSeed({ kernels, now: () => (t += 1), progress: () => {}, ...(data ? { data } : {}) }, config, seed, part));
  return digestOutputs(outputs);
}

/** What a fingerprint's numbers depend on besides the code: the backend and its version. */
export function environmentId(backend: Pick<BackendInfo, 'name' | 'kernels'>, tfjs: string): string {
  return `${backend.name}+${backend.kernels}@tfjs-${tfjs}`;
}

const cachedSchema = z.object({
  version: z.literal(FINGERPRINT_VERSION),
  experiment: z.string(),
  code: z.string(),
  environment: z.string(),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface FingerprintCache {
  dir: string;
}

function cacheFile(cache: FingerprintCache, experiment: string, code: string, environment: string): string {
  const env = createHash('sha256').update(environment).digest('hex').slice(0, 12);
  return join(cache.dir, 'fingerprints', `${experiment}-${code.slice(0, 16)}-${env}.json`);
}

/**
 * The fingerprint of the experiment's current code on this backend: from the
 * cache when the code text is unchanged, else computed and cached. A cache
 * entry that fails its schema or names another code/backend is recomputed.
 */
export function fingerprintOf(
  cache: FingerprintCache,
  experiment: AnyExperiment,
  code: string,
  environment: string,
  kernels: Kernels,
  log: (line: string) => void = () => {},
  data?: DataPaths,
): string {
  const file = cacheFile(cache, experiment.id, code, environment);
  if (existsSync(file)) {
    try {
      const c = cachedSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (c.experiment === experiment.id && c.code === code && c.environment === environment) return c.digest;
    } catch {
      // fall through: recomputed below
    }
    log(`fingerprint cache entry ${file} is not valid: recomputing it`);
  }
  const start = performance.now();
  const digest = computeFingerprint(experiment, kernels, data);
  log(
    `numerics fingerprint of ${experiment.id}: ${digest.slice(0, 12)} (${((performance.now() - start) / 1000).toFixed(1)} s on the ci profile's seed ${fingerprintRun(experiment).seed})`,
  );
  try {
    writeFileAtomic(file, `${JSON.stringify({ version: FINGERPRINT_VERSION, experiment: experiment.id, code, environment, digest })}\n`);
  } catch (err) {
    log(`the fingerprint could not be cached in ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it is taken again next time`);
  }
  return digest;
}
