// Fixed mask logits (CIFAR-10's keep-last-layer, docs/method.md §7.3): the
// trainer trains only the other tensors' logits; the fixed ones are sampled from
// their logits and never change, and a resumed stage draws their noise as an
// unbroken one does.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import { withFixedLogits } from '../../experiments/masking/fixed-logits.ts';
import { MaskTrainer, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initMlp, layerShapes, type MlpHostParams } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES = [12, 16, 10, 20];
// Frozen logits of ±30 give the same sample every time (σ(30) = 1 − 1e-13). The
// trainable logits start at 12: every sample of this small net keeps every
// weight (P(drop) ≈ 6e-6 per weight), yet the straight-through factor
// s(1 − s) ≈ 1e-5 still carries each sample's noise, so equal gradients mean
// equal noise and equal masks.
const ON = 30;
const CFG: MaskStageConfig = { steps: 1, batchSize: 8, samples: 4, lr: 1e-2, beta: 1e-4, logitInit: 12, gradClip: 1 };

function batch(seed: number, n: number): Pass {
  const rng = new Rng(seed, 'batch');
  const x = rng.fillUniform(new Float32Array(n * SIZES[0]), 0, 1);
  const targets = new Uint8Array(n * 2).map(() => rng.int(10));
  return { x, targets, n, rowOffset: 0, digits: 2 };
}

const scaleOf = (g: Float32Array) => g.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function expectClose(got: Float32Array, want: Float32Array): void {
  expect(scaleOf(want)).toBeGreaterThan(0);
  got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThanOrEqual(1e-4 * scaleOf(want)));
}

const read = (grads: { t: tf.Tensor }[]) => grads.map((g) => Float32Array.from(g.t.dataSync()));

describe('frozen mask logits', () => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend('wasm');
  });
  const params = initMlp(SIZES, new Rng(1, 'init'));
  const last = layerShapes(SIZES).length - 1;
  const pattern = new Rng(3, 'pattern').fillUniform(new Float32Array(params.W[last].length), 0, 1).map((u) => (u < 0.5 ? -ON : ON));

  function gradients(p: MlpHostParams, frozenLast: Float32Array | null) {
    const net = uploadFrozen(active.kernels, p);
    const fixed = frozenLast && { logits: p.W.map((_, l) => (l === last ? frozenLast : null)), noiseSeed: 5 };
    const trainer = new MaskTrainer(active.kernels, net, CFG, 99, fixed ? { fixedLogits: fixed } : {});
    const { grads } = trainer.taskGradient([batch(2, CFG.batchSize)], 1);
    const out = read(grads);
    for (const g of grads) g.t.dispose();
    trainer.dispose();
    net.dispose();
    return out;
  }

  it('the trainer sees only the trainable tensors, with the gradients it would get on the whole model', () => {
    const whole = gradients(params, null);
    const wrapped = gradients(params, new Float32Array(params.W[last].length).fill(ON));
    expect(wrapped.length).toBe(whole.length - 1);
    wrapped.forEach((g, l) => expectClose(g, whole[l]));
  });

  it('the frozen tensor runs under the mask its fixed logits give', () => {
    const viaLogits = gradients(params, pattern);
    const masked = { ...params, W: params.W.map((w, l) => (l === last ? w.map((x, i) => (pattern[i] > 0 ? x : 0)) : w)) };
    const viaWeights = gradients(masked, new Float32Array(params.W[last].length).fill(ON));
    viaLogits.forEach((g, l) => expectClose(g, viaWeights[l]));
    // And the pattern matters: without it the gradients differ.
    const unmasked = gradients(params, new Float32Array(params.W[last].length).fill(ON));
    expect(viaLogits.some((g, l) => g.some((x, i) => Math.abs(x - unmasked[l][i]) > 0.01 * scaleOf(g)))).toBe(true);
  });

  it('frozen logits come back unchanged after training, and the tensor count stays flat', () => {
    const net = uploadFrozen(active.kernels, params);
    const fixed = params.W.map((_, l) => (l === last ? pattern : null));
    const trainer = new MaskTrainer(active.kernels, net, { ...CFG, logitInit: 0.5 }, 99, { fixedLogits: { logits: fixed, noiseSeed: 5 } });
    trainer.step([batch(4, CFG.batchSize)]);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) trainer.step([batch(5 + s, CFG.batchSize)]);
    expect(tf.memory().numTensors).toBe(before);
    const full = withFixedLogits(fixed, trainer.currentLogits());
    expect(full.length).toBe(params.W.length);
    expect(Array.from(full[last])).toEqual(Array.from(pattern));
    expect(full[0].some((x) => x !== 0.5)).toBe(true);
    trainer.dispose();
    net.dispose();
  });

  it("a trainer restored from a checkpoint takes the steps an unbroken one takes, fixed tensors' noise included", () => {
    // Fixed logits at 0 (p = ½): every step's fixed samples differ, so a resumed trainer that redrew step 1's noise would diverge.
    const fixed = params.W.map((w, l) => (l === last ? new Float32Array(w.length) : null));
    const net = uploadFrozen(active.kernels, params);
    const make = () => new MaskTrainer(active.kernels, net, { ...CFG, logitInit: 0.5 }, 99, { fixedLogits: { logits: fixed, noiseSeed: 5 } });
    const unbroken = make();
    for (let s = 0; s < 4; s++) unbroken.step([batch(10 + s, CFG.batchSize)]);
    const first = make();
    for (let s = 0; s < 2; s++) first.step([batch(10 + s, CFG.batchSize)]);
    const resumed = make();
    resumed.restore(first.state());
    for (let s = 2; s < 4; s++) resumed.step([batch(10 + s, CFG.batchSize)]);
    expect(resumed.currentLogits().map((l) => Array.from(l))).toEqual(unbroken.currentLogits().map((l) => Array.from(l)));
    for (const t of [unbroken, first, resumed]) t.dispose();
    net.dispose();
  });

  it('rejects a fixed list that does not match the masked tensors, and options that do not go together', () => {
    const net = uploadFrozen(active.kernels, params);
    expect(() => new MaskTrainer(active.kernels, net, CFG, 99, { fixedLogits: { logits: [null], noiseSeed: 5 } })).toThrow(
      /1 fixed-logit entries for 3 masked tensors/,
    );
    expect(
      () => new MaskTrainer(active.kernels, net, CFG, 99, { fixedLogits: { logits: [null, null, null], noiseSeed: 5 }, trainValues: { frozen: [] } }),
    ).toThrow(/fixed logits and trained values do not go together/);
    expect(() => withFixedLogits([null, pattern], [])).toThrow(/0 trained logit tensors for 1 trained places/);
    net.dispose();
  });
});
