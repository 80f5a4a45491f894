// Sharded runs (`--shard i/n`): a run too long for one sitting is split over
// machines (or days). Every job of a profile, of every experiment in the
// registry, is dealt to exactly one shard by a rule that looks only at the
// profile's configs: the jobs are sorted by (experiment id, seed, part id) and
// the k-th (from 0) belongs to shard (k mod n) + 1. Neither the job cache nor
// --only nor which artifacts are stale moves a job to another shard, so two
// machines that agree on the code and profile agree on the split without
// talking to each other. Round-robin over that order rather than balancing by
// estimated cost: the seeds of one experiment cost the same, so dealing them in
// turn gives each shard its share of every experiment (within one job), and it
// does not hang on the rough step counts that `cost` is (which ignore model
// size, and would reshuffle the shards whenever they are tuned).
import type { ProfileName } from '../artifacts/schema.ts';
import { configOn } from '../tasks/experiment.ts';
import { EXPERIMENTS } from '../tasks/registry.ts';
import { UserError } from './errors.ts';
import { jobId, jobsOf } from './jobs.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `--shard i/n`, 1 ≤ i ≤ n; a UserError naming the value otherwise. */
export function parseShard(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new UserError(`--shard: "${value}" is not i/n (shard i of n, e.g. 1/2)`);
  return checkShard({ index: Number(m[1]), count: Number(m[2]) }, value);
}

export function checkShard(shard: Shard, value = `${shard.index}/${shard.count}`): Shard {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) throw new UserError(`--shard: "${value}" has no shards (n must be at least 1)`);
  if (!Number.isSafeInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new UserError(`--shard: "${value}" names shard ${shard.index}, but there are shards 1 to ${shard.count}`);
  }
  return shard;
}

/** Code-unit order (not the locale's), so that every machine sorts alike. */
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The shard (1-based) of every job of the profile, by job id (jobs.ts jobId). */
export function shardAssignment(profile: ProfileName, count: number): Map<string, number> {
  const all = [...EXPERIMENTS]
    .sort((a, b) => byCode(a.id, b.id))
    .flatMap((e) =>
      jobsOf(e, configOn(e, profile) ?? { seeds: [] })
        .sort((a, b) => a.seed - b.seed || (a.part === b.part ? 0 : a.part === null ? -1 : b.part === null ? 1 : byCode(a.part, b.part)))
        .map((j) => jobId(e.id, j.seed, j.part)),
    );
  return new Map(all.map((id, k) => [id, (k % count) + 1]));
}

export interface ShardReport {
  shard: Shard;
  /** This shard's jobs that this run computed, and those it found in the cache. */
  ran: string[];
  cached: string[];
  /** The other shards' jobs (of the selected, stale experiments) that this cache does not hold. */
  remaining: { shard: number; jobs: string[] }[];
}

/** The lines a shard run ends with: what it did, what is left to whom, what to do next. */
export function shardReportLines(r: ShardReport, profile: ProfileName, only: string[] | null): string[] {
  const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');
  const { index, count } = r.shard;
  const lines = [
    `Shard ${index}/${count} (profile ${profile}): no artifact assembled or written (it needs the other shards' jobs)`,
    `  ran: ${list(r.ran)}`,
    `  already cached: ${list(r.cached)}`,
    ...r.remaining.map((o) => `  left to shard ${o.shard}/${count}: ${list(o.jobs)}`),
  ];
  if (r.remaining.length === 0) lines.push('  nothing is left to other shards: a run without --shard assembles the artifacts');
  const selection = only ? ` --only ${only.join(',')}` : '';
  lines.push(
    `  next: npm run experiments -- export --profile ${profile}${selection} --to shard-${index}-of-${count}.json, then merge it where the other shards' bundles go`,
  );
  return lines;
}
