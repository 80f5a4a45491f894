// A seed's stages through a stage store: every piece of the run (a stage job,
// a killed stage resumed from its checkpoint, a seed assembled from finished
// stages) must give the seed output a plain run gives, number for number and
// bit for bit in the masks; only wall times differ.
import { describe, expect, it } from 'vitest';
import { memoryStageStore, StageJobDone, type StageContext, type StageStore } from '../../experiments/runtime/stage-store.ts';
import { stageNeeds, stagePlanOf } from '../../experiments/runtime/stage-jobs.ts';
import { decodeHostTree, encodeHostTree } from '../../experiments/runtime/host-tree.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { doubleAdd } from '../../experiments/tasks/double-add.ts';
import { scan } from '../../experiments/tasks/scan.ts';
import { sharingVsWidth } from '../../experiments/tasks/sharing-vs-width.ts';
import type { AnyExperiment, JobContext, SeedOutput } from '../../experiments/tasks/experiment.ts';
import { useBackend } from '../helpers/backend.ts';
import * as tf from '@tensorflow/tfjs-core';

/** A seed output without its wall times (the one thing a piecewise run changes). */
const timeless = (o: SeedOutput) => ({ ...o, stages: o.stages.map((s) => ({ stage: s.stage, steps: s.steps })) });

class Killed extends Error {}

async function context(stages?: StageContext, kill?: { stage: string; step: number }, firstSteps?: Map<string, number>): Promise<JobContext> {
  const active = await useBackend('wasm');
  let t = 0;
  return {
    kernels: active.kernels,
    now: () => (t += 1),
    ...(stages ? { stages } : {}),
    progress(stage, step) {
      if (firstSteps && !firstSteps.has(stage)) firstSteps.set(stage, step);
      if (kill && stage === kill.stage && step === kill.step) throw new Killed(`killed in ${stage} at step ${step}`);
    },
  };
}

const within = (store: StageStore, target: string | null, needs: string[] = [], every = 40): StageContext => ({
  store,
  target,
  needs: (s) => needs.includes(s),
  checkpointDue: (step) => step % every === 0,
});

const CASES: { e: AnyExperiment; config: unknown; part: string | null; kill: string; steps?: number }[] = [
  { e: addMul, config: addMul.profiles.ci, part: null, kill: 'mul' },
  { e: doubleAdd, config: doubleAdd.profiles.ci, part: null, kill: 'copy-weight/pair1' },
  { e: scan, config: { ...scan.profiles.ci, curve: { points: 3, examples: 8 } }, part: 'masks', kill: 'jump' },
  {
    e: sharingVsWidth,
    config: sharingVsWidth.profiles.ci,
    part: 'double-add-16',
    kill: 'double-add 16×2/pair2',
    steps: sharingVsWidth.profiles.ci.tasks['double-add'].mask.steps,
  },
];

describe.each(CASES)('$e.id through a stage store', ({ e, config, part, kill, steps: stageSteps }) => {
  it("a killed stage resumes from its checkpoint; the seed comes out as a plain run's", async () => {
    const plain = e.runSeed(await context(), config, 1, part);
    const store = memoryStageStore();
    const steps = stageSteps ?? (config as { mask: { steps: number } }).mask.steps;
    const at = Math.floor(steps * 0.7);
    await expect(async () => e.runSeed(await context(within(store, null, [], 8), { stage: kill, step: at }), config, 1, part)).rejects.toThrow(Killed);
    // What the killed run left: the stages before it finished, and its own checkpoint.
    expect([...store.files.keys()].some((k) => k === `${kill}.checkpoint`)).toBe(true);
    const { step: saved, seconds: earlier } = store.checkpoint<{ step: number; seconds: number }>(kill)!;
    expect(earlier).toBeGreaterThan(0);
    expect(saved).toBeLessThan(at);
    expect(saved).toBeGreaterThan(at - 9);
    const firstSteps = new Map<string, number>();
    const resumed = e.runSeed(await context(within(store, null, [], 8), undefined, firstSteps), config, 1, part);
    expect(timeless(resumed)).toEqual(timeless(plain));
    // The resumed stage's time includes the killed sitting's, up to its checkpoint.
    expect(resumed.stages.find((s) => s.stage === kill)!.seconds).toBeGreaterThan(earlier);
    // It went on from the checkpoint, and read the stages that had finished instead of training them again.
    expect(firstSteps.get(kill)).toBe(saved + 1);
    expect([...firstSteps.keys()][0]).toBe(kill);
    expect([...store.files.keys()].filter((k) => k.endsWith('.checkpoint'))).toEqual([]);
  }, 120_000);

  it('its stages as separate jobs, in any order the plan allows, then assembled = a plain run', async () => {
    const plain = e.runSeed(await context(), config, 1, part);
    const plan = stagePlanOf(e, config, 1, part);
    expect(plan.length).toBeGreaterThan(1);
    const store = memoryStageStore();
    // Pre-training first (every stage needs it), then the others last to first.
    for (const p of [plan[0], ...plan.slice(1).reverse()]) {
      const thrown = await (async () => {
        try {
          e.runSeed(await context(within(store, p.stage, stageNeeds(plan, p.stage))), config, 1, part);
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(thrown).toBeInstanceOf(StageJobDone);
      expect((thrown as StageJobDone).stage).toBe(p.stage);
    }
    expect([...store.files.keys()].filter((k) => k.endsWith('.finished')).sort()).toEqual(plan.map((p) => `${p.stage}.finished`).sort());
    const before = tf.memory().numTensors;
    const assembled = e.runSeed(await context(within(store, null)), config, 1, part);
    expect(tf.memory().numTensors).toBe(before);
    expect(timeless(assembled)).toEqual(timeless(plain));
  }, 120_000);
});

describe('host trees', () => {
  it('keep typed arrays to the bit, views included, and refuse what would not come back', () => {
    const f = new Float32Array([0, -0, 1e-45, 3.4e38, -1.5, Math.PI]);
    const view = new Uint8Array([9, 1, 2, 3, 4]).subarray(1, 4);
    const back = decodeHostTree<{ f: Float32Array; view: Uint8Array; n: number[]; s: string }>(
      encodeHostTree({ f, view, n: [1, 2.5], s: 'x', gone: undefined }),
    );
    expect(back.f).toBeInstanceOf(Float32Array);
    expect(new Uint8Array(back.f.buffer)).toEqual(new Uint8Array(f.buffer));
    expect(Object.is(back.f[1], -0)).toBe(true);
    expect([...back.view]).toEqual([1, 2, 3]);
    expect(back).toMatchObject({ n: [1, 2.5], s: 'x' });
    expect(() => encodeHostTree({ a: [1, NaN] })).toThrow('value.a[1] is NaN');
    expect(() => encodeHostTree({ t: tf.scalar(1) })).toThrow(/value\.t is a/);
    expect(() => encodeHostTree({ m: new Map() })).toThrow('value.m is a Map');
  });
});
