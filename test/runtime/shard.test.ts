// Sharded runs on the ci profile of add-mul and double-add (in this process):
// shard 1/2 and 2/2 in two cache folders, each exported, both bundles merged
// into a third, and a plain run there assembles without training an artifact
// byte-identical to an unsharded run in a fourth folder. Also: the split is a
// partition that does not move, a bundle entry that fails a check is refused
// with nothing written, and export and merge take the cache folder's run lock.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJobs, mergeBundles } from '../../experiments/runtime/job-bundle.ts';
import { jobId, jobsOf } from '../../experiments/runtime/jobs.ts';
import { runExperiments, type RunSummary } from '../../experiments/runtime/run-experiments.ts';
import { acquireRunLock } from '../../experiments/runtime/run-lock.ts';
import { shardAssignment } from '../../experiments/runtime/shard.ts';
import { EXPERIMENTS } from '../../experiments/tasks/registry.ts';
import { ciRuns, expectSameArtifact, filesBelow } from '../helpers/compare-runs.ts';

const REPO = join(import.meta.dirname, '../..');
const ONLY = ['add-mul', 'double-add'];
const work = mkdtempSync(join(tmpdir(), 'shard-'));
const { dirs, options } = ciRuns(work, ONLY);

const exportOf = (name: string, to: string) =>
  exportJobs({
    profile: 'ci',
    only: ONLY,
    backend: 'wasm',
    cacheDir: dirs(name).cacheDir,
    dataDir: null,
    experimentsRoot: join(REPO, 'experiments'),
    to,
    log: () => {},
  });

describe('the shard split', () => {
  it.each(['ci', 'quick', 'paper'] as const)('%s: every job of the profile in exactly one shard, dealt in turn', (profile) => {
    const ids = EXPERIMENTS.flatMap((e) => jobsOf(e, e.profiles[profile]).map((j) => jobId(e.id, j.seed, j.part)));
    for (const n of [1, 2, 3, 7]) {
      const owner = shardAssignment(profile, n);
      expect([...owner.keys()].sort()).toEqual([...ids].sort());
      const sizes = [...Array(n)].map((_, i) => [...owner.values()].filter((s) => s === i + 1).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // Each experiment's jobs spread evenly too (its seeds cost the same).
      for (const e of EXPERIMENTS) {
        const mine = [...owner].filter(([id]) => id.startsWith(`${e.id}#`)).map(([, s]) => s);
        const per = [...Array(n)].map((_, i) => mine.filter((s) => s === i + 1).length);
        expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
      }
    }
    expect(shardAssignment(profile, 2)).toEqual(shardAssignment(profile, 2));
  });
});

describe('two shards, exported, merged, assembled = one unsharded run', () => {
  const shards: RunSummary[] = [];
  let merged: RunSummary;
  let mergedLog = '';
  let exported: number[] = [];
  beforeAll(async () => {
    shards.push(await runExperiments(options('a', { shard: { index: 1, count: 2 } })));
    shards.push(await runExperiments(options('b', { shard: { index: 2, count: 2 } })));
    exported = [await exportOf('a', join(work, 'a.json')), await exportOf('b', join(work, 'b.json'))];
    mergeBundles([join(work, 'a.json'), join(work, 'b.json')], dirs('c').cacheDir, () => {});
    merged = await runExperiments(
      options('c', {
        write: (t) => {
          mergedLog += t;
        },
      }),
    );
    await runExperiments(options('d'));
  }, 300_000);

  it("each shard runs its own jobs, reports the other's as left, and writes no artifact", () => {
    const all = ONLY.flatMap((id) => [1, 2].map((seed) => jobId(id, seed, null)));
    const owner = shardAssignment('ci', 2);
    for (const [k, s] of shards.entries()) {
      expect(s.shard!.ran).toEqual(all.filter((id) => owner.get(id) === k + 1));
      expect(s.shard!.remaining).toEqual([{ shard: 2 - k, jobs: all.filter((id) => owner.get(id) === 2 - k) }]);
      expect(s.outcomes).toEqual([]);
    }
    expect(filesBelow(dirs('a').resultsDir)).toEqual([]);
    expect(filesBelow(dirs('b').resultsDir)).toEqual([]);
    expect(exported).toEqual([shards[0].shard!.ran.length, shards[1].shard!.ran.length]);
  });

  it('a shard run again finds its jobs cached and runs nothing', async () => {
    const again = await runExperiments(options('a', { shard: { index: 1, count: 2 } }));
    expect(again.shard).toMatchObject({ ran: [], cached: shards[0].shard!.ran });
  });

  it('the run after the merge trains nothing', () => {
    expect(mergedLog).not.toMatch(/running \d+ jobs/);
    expect(merged.outcomes.map((o) => [o.id, o.status, o.reusedSeeds])).toEqual(ONLY.map((id) => [id, 'ran', [1, 2]]));
  });

  it.each(ONLY)("%s: tables, masks.bin and images byte-identical to the unsharded run's", (id) => {
    expect(filesBelow(join(dirs('d').resultsDir, 'ci', id)).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expectSameArtifact(dirs('c').resultsDir, dirs('d').resultsDir, 'ci', id);
  });

  it('merging the same bundles again writes nothing new', () => {
    const r = mergeBundles([join(work, 'a.json'), join(work, 'b.json')], dirs('c').cacheDir, () => {});
    expect(r).toEqual({ written: 0, present: 4, stageFiles: 0 });
  });

  it('a bundle with one entry that fails a check is refused, entry named, and nothing is merged', () => {
    const bundle = JSON.parse(readFileSync(join(work, 'a.json'), 'utf8')) as { entries: { job: string }[] };
    bundle.entries[1].job = bundle.entries[1].job.replace(/"accuracy":(\d)/, (_, d) => `"accuracy":${d === '0' ? 1 : 0}`);
    writeFileSync(join(work, 'bad.json'), JSON.stringify(bundle));
    const target = join(work, 'e', 'cache');
    expect(() => mergeBundles([join(work, 'b.json'), join(work, 'bad.json')], target, () => {})).toThrow(
      /bad\.json: entry 2 \(double-add#\d\): its output does not match its digest \(nothing merged\)$/,
    );
    expect(existsSync(join(work, 'e'))).toBe(false);
  });

  it("export and merge take the cache folder's run lock", async () => {
    const lock = acquireRunLock([dirs('c').cacheDir]);
    try {
      expect(() => mergeBundles([join(work, 'a.json')], dirs('c').cacheDir, () => {})).toThrow(/another run \(pid \d+/);
      await expect(exportOf('c', join(work, 'locked.json'))).rejects.toThrow(/another run \(pid \d+/);
      expect(existsSync(join(work, 'locked.json'))).toBe(false);
    } finally {
      lock.release();
    }
  });
});
