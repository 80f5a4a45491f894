// Stage jobs end to end on the ci profile: add-mul, double-add and SCAN with
// their stages as jobs of their own on two worker processes give artifacts
// byte-identical to a run of whole seeds in this process; a second run finds
// everything done; the pool starts a job only after the jobs it waits on.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHostTree } from '../../experiments/runtime/host-tree.ts';
import { exportJobs, mergeBundles } from '../../experiments/runtime/job-bundle.ts';
import type { Job } from '../../experiments/runtime/jobs.ts';
import { memoryStageStore, stageFileName, stageFileText } from '../../experiments/runtime/stage-store.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { useBackend } from '../helpers/backend.ts';
import { runExperiments, type RunSummary } from '../../experiments/runtime/run-experiments.ts';
import { stageNeeds, stagePlanOf } from '../../experiments/runtime/stage-jobs.ts';
import { orderJobs, sequentialOrder } from '../../experiments/runtime/worker-pool.ts';
import { cifar10 } from '../../experiments/tasks/cifar10.ts';
import { EXPERIMENTS } from '../../experiments/tasks/registry.ts';
import { ciRuns, expectSameArtifact } from '../helpers/compare-runs.ts';

const REPO = join(import.meta.dirname, '../..');
const ONLY = ['add-mul', 'double-add', 'scan'];
const work = mkdtempSync(join(tmpdir(), 'stage-jobs-'));
const { dirs, options } = ciRuns(work, ONLY);

describe('stage jobs on two workers = whole seeds in one process', () => {
  let staged = '';
  let again: RunSummary;
  let againLog = '';
  beforeAll(async () => {
    await runExperiments(options('whole'));
    await runExperiments(
      options('staged', {
        stageJobs: true,
        workers: 2,
        write: (t) => {
          staged += t;
        },
      }),
    );
    again = await runExperiments(
      options('staged', {
        stageJobs: true,
        workers: 2,
        force: true,
        write: (t) => {
          againLog += t;
        },
      }),
    );
  }, 600_000);

  it("runs each stage as a job, then each seed's job", () => {
    // add-mul: 2 seeds × (pretrain + 3 masks + the seed); double-add: 2 × (1 + 5 + 1); SCAN: 2 × (1 + 4 + 1 masks, 3 baselines).
    expect(staged).toMatch(/running 42 jobs on 2 worker processes/);
    for (const id of ['add-mul#1@pretrain', 'add-mul#1@mul', 'double-add#2@copy-weight/pair1', 'scan#1/masks@jump', 'scan#1/masks', 'scan#2/scratch-jump']) {
      expect(staged).toContain(`done ${id} in`);
    }
    expect(staged.indexOf('done add-mul#1@pretrain')).toBeLessThan(staged.indexOf('done add-mul#1@add'));
    expect(staged.indexOf('done add-mul#1@mul')).toBeLessThan(staged.indexOf('done add-mul#1 in'));
  });

  it.each(ONLY)("%s: artifact byte-identical to the whole-seed run's", (id) => {
    expectSameArtifact(dirs('staged').resultsDir, dirs('whole').resultsDir, 'ci', id, true);
  });

  it('a forced run again reads every finished stage back and trains nothing', () => {
    // --force reruns the seeds' jobs; their stages are finished, so no stage job is made.
    expect(againLog).toMatch(/running 12 jobs/);
    expect(againLog).not.toMatch(/@/);
    expect(again.outcomes.map((o) => o.status)).toEqual(['ran', 'ran', 'ran']);
    for (const id of ONLY) expectSameArtifact(dirs('staged').resultsDir, dirs('whole').resultsDir, 'ci', id, true);
    // The finished stages stay in the job cache; no checkpoint is left.
    const files = readdirSync(join(dirs('staged').cacheDir, 'stages'), { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.finished.json')).length).toBe(2 * 4 + 2 * 6 + 2 * 5);
    expect(files.filter((f) => f.endsWith('.checkpoint.json'))).toEqual([]);
  });
});

describe('unfinished work carried in a bundle: finished stages and a checkpoint', () => {
  let moved = '';
  let merged: ReturnType<typeof mergeBundles>;
  beforeAll(async () => {
    // A cache as a stopped run leaves it: no seed assembled, add-mul seed 1's "mul" stage part-way (a real checkpoint).
    cpSync(dirs('staged').cacheDir, dirs('partial').cacheDir, { recursive: true });
    rmSync(join(dirs('partial').cacheDir, 'jobs'), { recursive: true });
    const root = join(dirs('partial').cacheDir, 'stages', 'add-mul', 'ci');
    const dir = join(root, readdirSync(root)[0], 'seed-1');
    rmSync(join(dir, stageFileName('mul', 'finished')));
    const store = memoryStageStore();
    const active = await useBackend('wasm');
    let t = 0;
    const stages = { store, target: null, needs: () => false, checkpointDue: (step: number) => step % 50 === 0 };
    expect(() =>
      addMul.runSeed(
        {
          kernels: active.kernels,
          now: () => (t += 1),
          stages,
          progress(stage, step) {
            if (stage === 'mul' && step === 120) throw new Error('stopped');
          },
        },
        addMul.profiles.ci,
        1,
        null,
      ),
    ).toThrow('stopped');
    writeFileSync(join(dir, stageFileName('mul', 'checkpoint')), stageFileText(decodeHostTree(store.files.get('mul.checkpoint')!)));
    const bundle = join(work, 'partial.json.gz');
    await exportJobs({
      profile: 'ci',
      only: ONLY,
      backend: 'wasm',
      cacheDir: dirs('partial').cacheDir,
      dataDir: null,
      experimentsRoot: join(REPO, 'experiments'),
      to: bundle,
      log: () => {},
    });
    merged = mergeBundles([bundle], dirs('moved').cacheDir, () => {});
    await runExperiments(
      options('moved', {
        stageJobs: true,
        write: (x) => {
          moved += x;
        },
      }),
    );
  }, 600_000);

  it('the bundle carries every finished stage and the checkpoint, gzipped', () => {
    // add-mul 2 × 4 stages less the one part-way, double-add 2 × 6, SCAN 2 × 5; and the checkpoint.
    expect(merged).toEqual({ written: 0, present: 0, stageFiles: 2 * 4 - 1 + 2 * 6 + 2 * 5 + 1 });
  });

  it('the run it goes on in trains only the stage that was part-way, and assembles the artifacts of an unbroken run', () => {
    // The 6 seeds' jobs (assembling), SCAN's 6 baselines (whole jobs: their outputs went with the jobs folder), and the stage.
    expect(moved).toMatch(/running 13 jobs in this process/);
    expect(moved).not.toMatch(/done [^ ]+@(?!mul)/);
    // It went on from the checkpoint at step 100.
    expect(moved).toContain('add-mul#1@mul mul 101/250');
    expect(moved).toContain('done add-mul#1@mul in');
    for (const id of ONLY) expectSameArtifact(dirs('moved').resultsDir, dirs('whole').resultsDir, 'ci', id, true);
    expect(existsSync(join(dirs('moved').cacheDir, 'jobs'))).toBe(true);
  });

  it('a merge keeps a finished stage, and a later checkpoint over an earlier one, never the reverse', () => {
    const again = mergeBundles([join(work, 'partial.json.gz')], dirs('moved').cacheDir, () => {});
    expect(again.stageFiles).toBe(0);
  });
});

describe('stage plans and the order of jobs', () => {
  it("every experiment's plan, on every profile, names each stage once and only earlier stages as needs", () => {
    for (const e of EXPERIMENTS) {
      for (const [profile, config] of Object.entries(e.profiles)) {
        const seeds = (config as { seeds: number[] }).seeds;
        const parts = e.parts?.(config, seeds[0]).map((p) => p.id) ?? [null];
        for (const part of parts) expect(() => stagePlanOf(e, config, seeds[0], part), `${e.id} ${profile} ${part}`).not.toThrow();
      }
    }
  });

  it('a CIFAR-10 removal stage needs the control, and through it pre-training', () => {
    const plan = stagePlanOf(cifar10, cifar10.profiles.ci, 1, null);
    expect(plan.map((p) => p.stage)).toEqual(['pretrain', 'control', 'without-cat', 'without-dog']);
    expect(stageNeeds(plan, 'without-dog')).toEqual(['pretrain', 'control']);
    expect(stageNeeds(plan, 'pretrain')).toEqual([]);
  });

  const job = (id: string, cost: number, after: string[] = []): Job => ({ id, experiment: 'x', profile: 'ci', seed: 1, part: null, outFile: '', cost, after });

  it('pre-training, which every stage waits for, is offered first; a cycle or an unknown job is refused', () => {
    const jobs = [job('big', 100), job('s#1@a', 50, ['s#1@pre']), job('s#1@b', 60, ['s#1@pre']), job('s#1@pre', 5), job('s#1', 1, ['s#1@a', 's#1@b'])];
    expect(orderJobs(jobs).map((j) => j.id)).toEqual(['big', 's#1@pre', 's#1@b', 's#1@a', 's#1']);
    expect(sequentialOrder([job('s', 1, ['p']), job('p', 0.5)]).map((j) => j.id)).toEqual(['p', 's']);
    expect(() => sequentialOrder([job('a', 1, ['b']), job('b', 1, ['a'])])).toThrow(/cycle/);
    expect(() => orderJobs([job('a', 1, ['nope'])])).toThrow('job a waits on nope, which is not a job of this run');
  });
});
