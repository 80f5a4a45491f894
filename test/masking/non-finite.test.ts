// A diverged stage stops at the step where its loss or gradient norm stops
// being finite, with one line that names the stage and the step (and, from
// the job runner, the experiment and seed), and frees its tensors. The checks
// read only numbers the steps already have on the host; that finite runs keep
// their numbers bit for bit was checked on the ci profile of every experiment
// (job outputs identical before and after), and the reference tests of the
// trainers (mask-trainer, joint-mask-trainer, mlp) still pass unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMulBatch, ADD_MUL_INPUTS, ADD_MUL_OUTPUTS, OPS } from '../../experiments/data/add-mul-data.ts';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import type { MaskableModel } from '../../experiments/masking/maskable-model.ts';
import { MaskTrainer, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { trainMaskStages } from '../../experiments/masking/train-stages.ts';
import { initMlp, layerShapes, type MlpHostParams } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { NonFiniteError, UserError } from '../../experiments/runtime/errors.ts';
import { jobLabel } from '../../experiments/runtime/execute-job.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { StageTimer } from '../../experiments/runtime/stage-timer.ts';
import type { JobContext } from '../../experiments/tasks/experiment.ts';
import { pretrainMlp } from '../../experiments/train/pretrain-mlp.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';
import { thrown } from '../helpers/thrown.ts';

const SIZES = [ADD_MUL_INPUTS, 16, 16, ADD_MUL_OUTPUTS];
const MASK: MaskStageConfig = { steps: 3, batchSize: 8, samples: 4, lr: 1e-2, beta: 1e-4, logitInit: 2, gradClip: 1 };
const WHY = '(training diverged; the job stops and nothing is cached)';

let active: ActiveBackend;
beforeAll(async () => {
  active = await useBackend('wasm');
});

const ctx = (): JobContext => ({ kernels: active.kernels, progress: () => {}, now: () => 0 });
const sample = (rng: Rng, n: number) => addMulBatch(rng, n, OPS);

function expectOneLine(err: Error, message: string): void {
  expect(err).toBeInstanceOf(NonFiniteError);
  expect(err).toBeInstanceOf(UserError);
  expect(err.message).toBe(message);
  expect(err.message).not.toContain('\n');
}

function poisoned(params: MlpHostParams, layer: number, value: number): MlpHostParams {
  return { ...params, W: params.W.map((w, l) => (l === layer ? new Float32Array(w.length).fill(value) : w)) };
}

describe('a diverged stage stops with one line', () => {
  it('mask stage on a network with a NaN weight layer: the loss, at step 1, named by stage and then by job', () => {
    const before = tf.memory().numTensors;
    const net = uploadFrozen(active.kernels, poisoned(initMlp(SIZES, new Rng(1, 'init')), 1, NaN));
    const err = thrown(() => trainMaskStages(ctx(), new StageTimer(() => 0), net, MASK, 1, [{ id: 'add', sample }], 'normal'));
    net.dispose();
    expectOneLine(err, `add: loss is NaN at step 1 of 3 ${WHY}`);
    expectOneLine(
      (err as NonFiniteError).within(jobLabel({ experiment: 'add-mul', seed: 2, part: null })),
      `add-mul seed 2 add: loss is NaN at step 1 of 3 ${WHY}`,
    );
    expect((err as NonFiniteError).within(jobLabel({ experiment: 'scan', seed: 1, part: 'masks' })).message).toMatch(
      /^scan seed 1 part masks add: loss is NaN/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mask stage whose gradient turns NaN at step 2 while the loss stays finite: the gradient norm, at step 2', () => {
    const inner = uploadFrozen(active.kernels, initMlp(SIZES, new Rng(1, 'init')));
    let chunks = 0;
    // Step 1 runs K = 4 chunks; the first chunk of step 2 returns one NaN gradient element.
    const model: MaskableModel<Pass> = {
      ...inner,
      chunkGradient(part, start, count, samples, lossScale) {
        const g = inner.chunkGradient(part, start, count, samples, lossScale);
        if (++chunks !== MASK.samples + 1) return g;
        const bad = g.dW[0].dataSync().slice();
        bad[0] = NaN;
        return { lossSum: g.lossSum, dW: [tf.tensor(bad, g.dW[0].shape), ...g.dW.slice(1)] };
      },
    };
    const err = thrown(() => trainMaskStages(ctx(), new StageTimer(() => 0), model, MASK, 1, [{ id: 'mul', sample }], 'copy-weight'));
    inner.dispose();
    expectOneLine(err, `copy-weight/mul: gradient norm is NaN at step 2 of 3 ${WHY}`);
  });

  // Step 1 starts from the initial weights, so its loss is finite; its update (of size ~lr, Adam) makes step 2 overflow:
  // at lr 1e30 the logits (loss NaN), at lr 1e10 only the backward pass (the loss stays finite, a gradient is Infinity).
  it.each([
    [1e30, 'loss is NaN'],
    [1e10, 'gradient norm is Infinity'],
  ])('pre-training with learning rate %d diverges at step 2: %s', (lr, problem) => {
    const before = tf.memory().numTensors;
    const rng = new Rng(1, 'data');
    const cfg = { steps: 20, batchSize: 16, lr, gradClip: 1, finalLrFactor: 1 };
    const err = thrown(() =>
      new StageTimer(() => 0).run('pretrain', cfg.steps, () =>
        pretrainMlp(
          active.kernels,
          initMlp(SIZES, new Rng(1, 'init')),
          cfg,
          (n) => sample(rng, n),
          () => {},
        ),
      ),
    );
    expectOneLine(err, `pretrain: ${problem} at step 2 of 20 ${WHY}`);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('joint weight-and-mask training (permuted MNIST) from a weight that is Infinity: the loss, at step 1', () => {
    const before = tf.memory().numTensors;
    const sizes = [12, 8, 10];
    const shapes = layerShapes(sizes).flatMap(([i, o]) => [i * o, o]);
    const values = shapes.map((n, j) => new Float32Array(n).fill(j === 0 ? Infinity : 0.1));
    const init = { values, logits: shapes.map((n) => new Float32Array(n).fill(3)), frozen: shapes.map((n) => new Uint8Array(n)) };
    const model = uploadFrozen(active.kernels, { sizes, W: values.filter((_, j) => j % 2 === 0), b: values.filter((_, j) => j % 2 === 1) }, 'masked');
    const trainer = new MaskTrainer(active.kernels, model, { steps: 5, batchSize: 8, samples: 2, lr: 1e-2, beta: 1e-4, logitInit: 3, gradClip: 1 }, 1, {
      trainValues: { frozen: init.frozen },
      initialLogits: init.logits,
    });
    const rng = new Rng(2, 'batch');
    const pass: Pass = { x: rng.fillUniform(new Float32Array(8 * 12), 0, 1), targets: new Uint8Array(8).map(() => rng.int(10)), n: 8, rowOffset: 0, digits: 1 };
    const err = thrown(() => new StageTimer(() => 0).run('init2/task1', 5, () => trainer.step([pass])));
    trainer.dispose();
    model.dispose();
    expectOneLine(err, `init2/task1: loss is NaN at step 1 of 5 ${WHY}`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
