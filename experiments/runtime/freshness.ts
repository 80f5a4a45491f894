// Whether a stored artifact is fresh, by behaviour (see cache-key.ts): the
// current key's parts, taken as cheaply as possible. The numerics fingerprint
// is retaken only when the code text differs from the code that computed the
// artifact (and then cached under the code hash); the data digest is taken when
// the data is at hand. A part that cannot be taken (a real dataset a fresh
// clone does not have) is left unknown and said so.
import * as tf from '@tensorflow/tfjs-core';
import type { ProfileName, ResultArtifact } from '../artifacts/schema.ts';
import type { AnyExperiment } from '../tasks/experiment.ts';
import { configFor } from '../tasks/registry.ts';
import type { ActiveBackend } from './backend.ts';
import { codeTextHash, completeKey, configHash, type CacheKey, type CurrentKey } from './cache-key.ts';
import { dataDigestOf } from './data-digest.ts';
import { DATASETS_OF } from './datasets.ts';
import { UserError } from './errors.ts';
import { environmentId, fingerprintOf } from './fingerprint.ts';
import { dataPaths } from '../data/images/data-dir.ts';
import type { NamedRun } from '../runs/named-run.ts';

export interface FreshnessContext {
  profile: ProfileName;
  experimentsRoot: string;
  cacheDir: string;
  /** Where real datasets are; null: none at hand. */
  dataDir: string | null;
  /** Where decoded images are cached; default: images/ in cacheDir. */
  imageCacheDir?: string;
  backend: ActiveBackend;
  /** Makes an experiment's real data ready for its jobs (and so for its fingerprint run); false when it cannot. */
  dataReady: (experimentId: string) => Promise<boolean>;
  log: (line: string) => void;
  /** A named run (runs/): the config is the run's patch on the profile's. */
  run?: NamedRun | null;
}

export interface Freshness {
  current: CurrentKey;
  /** Why a part is unknown, in words. */
  unknown: string[];
}

/**
 * The current key. `needNumerics`: take the fingerprint even when the code text
 * equals the stored one's (a stale artifact is about to be recomputed and its
 * key must be complete).
 */
export async function currentKeyOf(ctx: FreshnessContext, e: AnyExperiment, stored: ResultArtifact | null, needNumerics: boolean): Promise<Freshness> {
  const code = codeTextHash(ctx.experimentsRoot, e.id);
  const environment = environmentId(ctx.backend.info, tf.version_core);
  const unknown: string[] = [];
  const readsData = (DATASETS_OF[e.id] ?? []).length > 0;
  const data = ctx.dataDir === null && readsData ? null : dataDigestOf(e.id, e.dataVersion, ctx.dataDir ?? '');
  if (!data) unknown.push(`its dataset is not in ${ctx.dataDir ?? 'a data directory'}, so the data digest was not taken`);
  let numerics: string | null = null;
  const config = configHash(e.id, ctx.profile, configFor(e, ctx.profile, ctx.run));
  const sameCode = stored !== null && stored.provenance.cache.code === code && stored.provenance.cache.environment === environment;
  // Judging a stored artifact, the fingerprint is taken only when nothing cheaper already makes it stale.
  const staleAnyway =
    !needNumerics &&
    (stored === null ||
      stored.provenance.cache.config !== config ||
      stored.provenance.cache.environment !== environment ||
      (data !== null && stored.provenance.cache.data !== data.digest));
  if (sameCode && !needNumerics) numerics = stored.provenance.cache.numerics;
  else if (staleAnyway) unknown.push('stale on other parts, so the numerics fingerprint was not taken');
  else if (!readsData || (data && (await ctx.dataReady(e.id)))) {
    numerics = fingerprintOf({ dir: ctx.cacheDir }, e, code, environment, ctx.backend.kernels, ctx.log, dataPaths(ctx, process.env, process.cwd()));
  } else {
    unknown.push('the numerics fingerprint needs its dataset and was not taken');
  }
  return { current: { config, numerics, data: data?.digest ?? null, environment, code }, unknown };
}

/**
 * The complete key of an experiment whose jobs are about to run (or be
 * exported): every part taken, its data made ready first by the caller; a
 * UserError naming what is missing when a part cannot be taken.
 */
export async function completeKeyOf(ctx: FreshnessContext, e: AnyExperiment, doing: string): Promise<CacheKey> {
  const f = await currentKeyOf({ ...ctx, dataReady: async () => true }, e, null, true);
  const key = completeKey(f.current);
  if (!key) throw new UserError(`${e.id}: cannot ${doing}: ${f.unknown.join('; ')}`);
  return key;
}
