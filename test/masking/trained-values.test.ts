// The mask trainer with trained values (the transfer experiment) against an
// independent float64 reference: for K chunks with their own samples, the
// logit gradient is Σ_k dW_eff ⊙ W ⊙ s(1−s), the weight gradient Σ_k dW_eff ⊙ m
// (biases masked too), and frozen elements get no gradient and never move.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import { uniformNoise } from '../../experiments/masking/kernels/uniform-noise.ts';
import { MaskTrainer, sampleSeed, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initMlp, layerShapes } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';
import { refLossAndGrads } from '../helpers/reference-mlp.ts';

const SIZES = [12, 9, 10];
const CFG: MaskStageConfig = { steps: 1, batchSize: 8, samples: 4, lr: 1e-2, beta: 1e-3, logitInit: 0, gradClip: 1 };

interface JointTensors {
  values: Float32Array[];
  logits: Float32Array[];
  frozen: Uint8Array[];
}

function batch(seed: number): Pass {
  const rng = new Rng(seed, 'batch');
  return {
    x: rng.fillUniform(new Float32Array(CFG.batchSize * SIZES[0]), -1, 1),
    targets: new Uint8Array(CFG.batchSize).map(() => rng.int(10)),
    n: CFG.batchSize,
    rowOffset: 0,
    digits: 1,
  };
}

function tensors(seed: number): JointTensors {
  const p = initMlp(SIZES, new Rng(seed, 'init'));
  const rng = new Rng(seed, 'logits');
  const values = p.W.flatMap((w, l) => [w, p.b[l]]);
  return {
    values,
    logits: values.map((v) => rng.fillUniform(new Float32Array(v.length), -1, 2)),
    frozen: values.map((v) => Uint8Array.from(v, () => (rng.uniform() < 0.3 ? 1 : 0))),
  };
}

describe.each(['wasm', 'cpu'] as const)('mask trainer with trained values on %s', (backendName) => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend(backendName);
  });

  /** The trainer on an MLP whose biases are masked too, values and logits from `init`; dispose() frees both. */
  function trainerOf(init: JointTensors, noiseSeed: number) {
    const model = uploadFrozen(
      active.kernels,
      { sizes: SIZES, W: init.values.filter((_, j) => j % 2 === 0), b: init.values.filter((_, j) => j % 2 === 1) },
      'masked',
    );
    const trainer = new MaskTrainer(active.kernels, model, CFG, noiseSeed, { trainValues: { frozen: init.frozen }, initialLogits: init.logits });
    return { trainer, dispose: () => (trainer.dispose(), model.dispose()) };
  }

  it('weight and logit gradients = Σ over K float64 single passes; frozen elements get none', () => {
    const init = tensors(1);
    const { trainer, dispose } = trainerOf(init, 42);
    const pass = batch(2);
    const got = trainer.taskGradient([pass], 1);
    const dParams = got.valueGrads!.map((g) => Float32Array.from(g.t.dataSync()));
    const dLogits = got.grads.map((g) => Float32Array.from(g.t.dataSync()));

    const shapes = layerShapes(SIZES).flatMap(([i, o]) => [
      [i, o],
      [o, 1],
    ]);
    const chunk = CFG.batchSize / CFG.samples;
    const expP = shapes.map(([r, c]) => new Float64Array(r * c));
    const expL = shapes.map(([r, c]) => new Float64Array(r * c));
    for (let k = 0; k < CFG.samples; k++) {
      const samples = shapes.map(([r, c], j) =>
        Array.from(uniformNoise(sampleSeed(42, 1, 0, j, k), r * c), (u, i) => {
          const z = init.logits[j][i] + Math.log(u) - Math.log(1 - u);
          return { keep: z > 0, s: 1 / (1 + Math.exp(-z)) };
        }),
      );
      const eff = shapes.map((_, j) => Float64Array.from(init.values[j], (v, i) => (samples[j][i].keep ? v : 0)));
      const layers = layerShapes(SIZES).map(([rows, cols], l) => ({ rows, cols, W: eff[2 * l], b: eff[2 * l + 1] }));
      const ref = refLossAndGrads(
        layers,
        pass.x.subarray(k * chunk * SIZES[0], (k + 1) * chunk * SIZES[0]),
        chunk,
        pass.targets.subarray(k * chunk, (k + 1) * chunk),
        1,
        1 / CFG.batchSize,
      );
      const dEff = ref.dW.flatMap((dw, l) => [dw, ref.db[l]]);
      shapes.forEach((_, j) => {
        for (let i = 0; i < expP[j].length; i++) {
          const { keep, s } = samples[j][i];
          expL[j][i] += dEff[j][i] * init.values[j][i] * s * (1 - s);
          if (keep && !init.frozen[j][i]) expP[j][i] += dEff[j][i];
        }
      });
    }
    const close = (got: Float32Array[], want: Float64Array[]) =>
      want.forEach((w, j) => {
        const scale = Math.max(...Array.from(w, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < w.length; i++) expect(Math.abs(got[j][i] - w[i])).toBeLessThan(1e-5 * scale + 1e-9);
      });
    close(dParams, expP);
    close(dLogits, expL);
    init.frozen.forEach((f, j) => f.forEach((fr, i) => fr && expect(dParams[j][i] === 0).toBe(true)));
    for (const g of [...got.valueGrads!, ...got.grads]) g.t.dispose();
    dispose();
  });

  it('frozen elements keep their values, the others move; tensor count flat; dispose frees all', () => {
    const before = tf.memory().numTensors;
    const init = tensors(3);
    const { trainer, dispose } = trainerOf(init, 7);
    trainer.step([batch(4)]);
    const afterOne = tf.memory().numTensors;
    for (let s = 0; s < 5; s++) trainer.step([batch(5 + s)]);
    expect(tf.memory().numTensors).toBe(afterOne);
    const now = { values: trainer.currentValues() };
    let moved = 0;
    init.values.forEach((v, j) =>
      v.forEach((x, i) => {
        if (init.frozen[j][i]) expect(now.values[j][i]).toBe(x);
        else if (now.values[j][i] !== x) moved++;
      }),
    );
    expect(moved).toBeGreaterThan(0);
    expect(() => trainer.state()).toThrow(/keeps no checkpoint/);
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
