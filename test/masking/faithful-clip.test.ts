// The faithful clipping of quirk Q1: the frozen weights' gradients (with
// respect to the raw weights: dLoss/dW_eff ⊙ m, and the biases) accumulate from
// the pre-training's last gradient on, the global norm runs over them and the
// mask gradients together, and the clipping rescales the accumulated gradients
// in place, as torch.nn.utils.clip_grad_norm_ does to every .grad.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrozenGradients } from '../../experiments/masking/frozen-gradients.ts';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import { uniformNoise } from '../../experiments/masking/kernels/uniform-noise.ts';
import { MaskTrainer, sampleSeed, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initMlp, layerShapes } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';
import { refLossAndGrads } from '../helpers/reference-mlp.ts';

const SIZES = [12, 16, 10, 20];
const SHAPES = layerShapes(SIZES);
const CFG: MaskStageConfig = { steps: 3, batchSize: 8, samples: 4, lr: 1e-2, beta: 1e-4, logitInit: 0.5, gradClip: 1e9 };

function batch(seed: number): Pass {
  const rng = new Rng(seed, 'batch');
  const x = rng.fillUniform(new Float32Array(CFG.batchSize * SIZES[0]), 0, 1);
  return { x, targets: new Uint8Array(CFG.batchSize * 2).map(() => rng.int(10)), n: CFG.batchSize, rowOffset: 0, digits: 2 };
}

const zeros = () => ({ W: SHAPES.map(([r, c]) => new Float32Array(r * c)), b: SHAPES.map(([, c]) => new Float32Array(c)) });

describe('faithful clipping (quirk Q1)', () => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend('wasm');
  });

  const setup = (init = zeros()) => {
    const params = initMlp(SIZES, new Rng(1, 'init'));
    const net = uploadFrozen(active.kernels, params);
    const frozen = new FrozenGradients(active.kernels, init, { W: SHAPES, b: net.biasShapes! });
    return { params, net, frozen };
  };

  it('accumulates dLoss/dW_eff ⊙ m and dLoss/db of each step (float64 reference), and leaves the logits as clean clipping does when nothing is clipped', () => {
    const { params, net, frozen } = setup();
    const faithful = new MaskTrainer(active.kernels, net, { ...CFG, clip: 'faithful' }, 99, { weightGradients: frozen });
    const clean = new MaskTrainer(active.kernels, net, CFG, 99);
    const pass = batch(2);
    faithful.step([pass]);
    clean.step([pass]);
    // The reference: K chunks, each with its own mask sample, summed.
    const p = 1 / (1 + Math.exp(-CFG.logitInit));
    const chunk = CFG.batchSize / CFG.samples;
    const wantW = SHAPES.map(([r, c]) => new Float64Array(r * c));
    const wantB = SHAPES.map(([, c]) => new Float64Array(c));
    for (let k = 0; k < CFG.samples; k++) {
      const keep = SHAPES.map(([r, c], l) => Array.from(uniformNoise(sampleSeed(99, 1, 0, l, k), r * c), (u) => p * u > (1 - p) * (1 - u)));
      const layers = SHAPES.map(([rows, cols], l) => ({
        rows,
        cols,
        b: Float64Array.from(params.b[l]),
        W: Float64Array.from(params.W[l], (w, i) => (keep[l][i] ? w : 0)),
      }));
      const ref = refLossAndGrads(
        layers,
        pass.x.subarray(k * chunk * SIZES[0], (k + 1) * chunk * SIZES[0]),
        chunk,
        pass.targets.subarray(k * chunk * 2, (k + 1) * chunk * 2),
        2,
        1 / (CFG.batchSize * 2),
      );
      SHAPES.forEach((_, l) => {
        ref.dW[l].forEach((g, i) => (wantW[l][i] += keep[l][i] ? g : 0));
        ref.db[l].forEach((g, i) => (wantB[l][i] += g));
      });
    }
    const got = frozen.host();
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let scale = 0;
      for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5 * scale + 1e-9);
    };
    SHAPES.forEach((_, l) => {
      close(got.W[l], wantW[l]);
      close(got.b[l], wantB[l]);
    });
    // Not clipped (the bound is 1e9): the same logits, bit for bit.
    faithful.currentLogits().forEach((l, i) => expect(Buffer.from(l.buffer).equals(Buffer.from(clean.currentLogits()[i].buffer))).toBe(true));
    for (const x of [faithful, clean, frozen, net]) x.dispose();
  });

  it('clips over the accumulated gradients and the masks together, and rescales the accumulated gradients in place', () => {
    // A large gradient left over from pre-training, as the official code carries it.
    const init = zeros();
    init.W[1].fill(0.5);
    const { net, frozen } = setup(init);
    const cfg: MaskStageConfig = { ...CFG, gradClip: 1, clip: 'faithful' };
    const trainer = new MaskTrainer(active.kernels, net, cfg, 99, { weightGradients: frozen });
    const before = frozen.sumSquares();
    expect(Math.sqrt(before)).toBeGreaterThan(5);
    trainer.step([batch(2)]);
    // After the step the accumulated gradients' norm is at most the bound (their share of it, in fact).
    expect(trainer.lastClipScale).toBeLessThan(0.2);
    expect(Math.sqrt(frozen.sumSquares())).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.sqrt(frozen.sumSquares())).toBeGreaterThan(0.9);
    // No tensor is leaked by the faithful path: the count stays flat across steps.
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.step([batch(3 + i)]);
    expect(tf.memory().numTensors).toBe(count);
    const clean = new MaskTrainer(active.kernels, net, { ...CFG, gradClip: 1 }, 99);
    clean.step([batch(2)]);
    expect(clean.lastClipScale).toBe(1);
    for (const x of [trainer, clean, frozen, net]) x.dispose();
  });

  it('refuses a faithful stage without the frozen gradients, and a clean one with them', () => {
    const { net, frozen } = setup();
    expect(() => new MaskTrainer(active.kernels, net, { ...CFG, clip: 'faithful' }, 1)).toThrow(/needs the frozen weights' gradients/);
    expect(() => new MaskTrainer(active.kernels, net, CFG, 1, { weightGradients: frozen })).toThrow(/needs no frozen weights' gradients/);
    frozen.dispose();
    net.dispose();
  });
});
