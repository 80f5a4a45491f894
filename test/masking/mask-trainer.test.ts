// The mask training step against independent references:
//   - the logit gradient of the batch-of-masks path equals the sum of K single
//     passes, each computed in float64 by a plain-loop MLP with the same noise;
//   - ∂m/∂L is s(1−s) (straight-through), so dLoss/dL = Σ_k dLoss/dW_eff ⊙ W ⊙ s(1−s);
//   - the tensor count stays flat across steps (no leaks).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniformNoise } from '../../experiments/masking/kernels/uniform-noise.ts';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import { MaskTrainer, sampleSeed, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initMlp, layerShapes } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';
import { refLossAndGrads } from '../helpers/reference-mlp.ts';

const SIZES = [12, 16, 10, 20];
const CFG: MaskStageConfig = { steps: 1, batchSize: 8, samples: 4, lr: 1e-2, beta: 1e-4, logitInit: 0.5, gradClip: 1 };

function batch(seed: number, n: number): Pass {
  const rng = new Rng(seed, 'batch');
  const x = rng.fillUniform(new Float32Array(n * SIZES[0]), 0, 1);
  const targets = new Uint8Array(n * 2).map(() => rng.int(10));
  return { x, targets, n, rowOffset: 0, digits: 2 };
}

describe.each(['wasm', 'cpu'] as const)('mask trainer on %s', (backendName) => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend(backendName);
  });

  it('batch-of-masks gradient = Σ over K single float64 passes with the same masks (straight-through s(1−s))', () => {
    const params = initMlp(SIZES, new Rng(1, 'init'));
    const net = uploadFrozen(active.kernels, params);
    const trainer = new MaskTrainer(active.kernels, net, CFG, 99);
    const pass = batch(2, CFG.batchSize);
    const { grads } = trainer.taskGradient([pass], 1);
    const got = grads.map((g) => Float32Array.from(g.t.dataSync()));

    const shapes = layerShapes(SIZES);
    const p = 1 / (1 + Math.exp(-CFG.logitInit));
    const chunk = CFG.batchSize / CFG.samples;
    const expected = shapes.map(([r, c]) => new Float64Array(r * c));
    for (let k = 0; k < CFG.samples; k++) {
      // Sample k of every layer, from the definition: m = [L + logit(u) > 0].
      const masks = shapes.map(([r, c], l) => {
        const u = uniformNoise(sampleSeed(99, 1, 0, l, k), r * c);
        return Array.from(u, (ui) => {
          const s = 1 / (1 + Math.exp(-(CFG.logitInit + Math.log(ui) - Math.log(1 - ui))));
          return { keep: p * ui > (1 - p) * (1 - ui), s };
        });
      });
      const layers = shapes.map(([rows, cols], l) => ({
        rows,
        cols,
        b: Float64Array.from(params.b[l]),
        W: Float64Array.from(params.W[l], (w, i) => (masks[l][i].keep ? w : 0)),
      }));
      const xk = pass.x.subarray(k * chunk * SIZES[0], (k + 1) * chunk * SIZES[0]);
      const tk = pass.targets.subarray(k * chunk * 2, (k + 1) * chunk * 2);
      const ref = refLossAndGrads(layers, xk, chunk, tk, 2, 1 / (CFG.batchSize * 2));
      shapes.forEach((_, l) => {
        for (let i = 0; i < expected[l].length; i++) {
          const s = masks[l][i].s;
          expected[l][i] += ref.dW[l][i] * params.W[l][i] * s * (1 - s);
        }
      });
    }
    shapes.forEach((_, l) => {
      let scale = 0;
      for (const v of expected[l]) scale = Math.max(scale, Math.abs(v));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < expected[l].length; i++) expect(Math.abs(got[l][i] - expected[l][i])).toBeLessThan(1e-5 * scale + 1e-9);
    });
    grads.forEach((g) => g.t.dispose());
    trainer.dispose();
    net.dispose();
  });

  it('keeps the tensor count flat across steps and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const params = initMlp(SIZES, new Rng(3, 'init'));
    const net = uploadFrozen(active.kernels, params);
    const trainer = new MaskTrainer(active.kernels, net, CFG, 5);
    trainer.step([batch(10, CFG.batchSize)]);
    const afterOne = tf.memory().numTensors;
    for (let s = 0; s < 5; s++) trainer.step([batch(11 + s, CFG.batchSize), batch(20 + s, CFG.batchSize)]);
    expect(tf.memory().numTensors).toBe(afterOne);
    trainer.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the penalty alone drives unused logits down by about lr per step (Adam normalises α)', () => {
    // Inputs all zero: no task gradient reaches the first layer's weights.
    const params = initMlp(SIZES, new Rng(4, 'init'));
    const net = uploadFrozen(active.kernels, params);
    const trainer = new MaskTrainer(active.kernels, net, { ...CFG, logitInit: 2 }, 6);
    const zero = (): Pass => ({ ...batch(30, CFG.batchSize), x: new Float32Array(CFG.batchSize * SIZES[0]) });
    for (let s = 0; s < 50; s++) trainer.step([zero()]);
    const first = trainer.currentLogits()[0];
    for (const v of first) expect(v).toBeCloseTo(2 - 50 * CFG.lr, 3);
    trainer.dispose();
    net.dispose();
  });
});
