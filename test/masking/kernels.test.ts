// The three kernel implementations must agree: the WebAssembly SIMD kernels
// (fast path), the plain-JS loops, and the tfjs-ops version (other backends).
// And the sample itself must match the paper's definition written with logs.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type Kernels } from '../../experiments/masking/kernels/index.ts';
import { uniformNoise } from '../../experiments/masking/kernels/uniform-noise.ts';
import { LOGIT_FLOOR } from '../../experiments/masking/kernels/logit-floor.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

let simd: Kernels, js: Kernels, ops: Kernels;

beforeAll(async () => {
  await useBackend('wasm');
  simd = createKernels('wasm-simd');
  js = createKernels('js');
  ops = createKernels('tf-ops');
});

function randomTensor(k: Kernels, shape: number[], seed: number, lo = -3, hi = 3): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return k.fromHost(new Rng(seed, 'test').fillUniform(new Float32Array(n), lo, hi), shape);
}

const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Ragged shapes exercise the scalar tails of the 4-lane loops.
const SHAPES: [number, number][] = [
  [37, 13],
  [64, 64],
  [1, 5],
  [42, 20],
];

describe('mask kernels agree across implementations', () => {
  it.each(SHAPES)('sigmoid %ix%i', (r, c) => {
    const l = randomTensor(js, [r, c], 1, -20, 20);
    const a = read(simd.sigmoid(l)),
      b = read(js.sigmoid(l)),
      o = read(ops.sigmoid(l));
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    expect(maxAbsDiff(o, b)).toBeLessThan(1e-6);
  });

  it.each(SHAPES)('sampleMask %ix%i: same masks, transposes and straight-through factors', (r, c) => {
    const probs = js.sigmoid(randomTensor(js, [r, c], 2, -4, 4));
    const w = randomTensor(js, [r, c], 3, -1, 1);
    const outs = [simd, js, ops].map((k) => k.sampleMask(probs, w, 12345));
    const [s, j, o] = outs.map((x) => ({ m: read(x.masked), mt: read(x.maskedT), f: read(x.factor) }));
    // Float32 (SIMD) and float64 (JS) arithmetic may disagree only at an exact tie: not for these inputs.
    expect(maxAbsDiff(s.m, j.m)).toBe(0);
    expect(maxAbsDiff(o.m, j.m)).toBe(0);
    expect(maxAbsDiff(s.mt, j.mt)).toBe(0);
    expect(maxAbsDiff(o.mt, j.mt)).toBe(0);
    expect(maxAbsDiff(s.f, j.f)).toBeLessThan(1e-6);
    expect(maxAbsDiff(o.f, j.f)).toBeLessThan(1e-6);
    // maskedT is the transpose of masked.
    for (let i = 0; i < r; i++) for (let k = 0; k < c; k++) expect(j.mt[k * r + i]).toBe(j.m[i * c + k]);
  });

  it.each(SHAPES)('accumulateMask %ix%i: the bits of sampleMask on ones, then accumulateProduct (each implementation)', (r, c) => {
    const probs = js.sigmoid(randomTensor(js, [r, c], 2, -4, 4));
    const ones = js.fromHost(new Float32Array(r * c).fill(1), [r, c]);
    const g = randomTensor(js, [r, c], 4);
    for (const k of [simd, js, ops]) {
      const fused = { t: randomTensor(k, [r, c], 6) };
      const composed = { t: randomTensor(k, [r, c], 6) };
      k.accumulateMask(fused, g, probs, 777);
      k.accumulateProduct(composed, g, k.sampleMask(probs, ones, 777).masked);
      expect(new Uint32Array(read(fused.t).buffer)).toEqual(new Uint32Array(read(composed.t).buffer));
    }
  });

  it('accumulateProduct, sumSquares, transpose', () => {
    for (const [r, c] of SHAPES) {
      const g = randomTensor(js, [r, c], 4),
        f = randomTensor(js, [r, c], 5);
      const accs = [simd, js, ops].map((k) => ({ k, slot: { t: randomTensor(k, [r, c], 6) } }));
      for (const { k, slot } of accs) k.accumulateProduct(slot, g, f);
      const [a, b, o] = accs.map(({ slot }) => read(slot.t));
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
      expect(maxAbsDiff(o, b)).toBeLessThan(1e-5);
      const ss = [simd, js, ops].map((k) => k.sumSquares(g, 0.25));
      // tf.sum accumulates in float32: agree to relative float32 precision.
      expect(Math.abs(ss[0] - ss[1]) / ss[1]).toBeLessThan(1e-5);
      expect(Math.abs(ss[2] - ss[1]) / ss[1]).toBeLessThan(1e-5);
      const t = [simd, js, ops].map((k) => read(k.transpose(g)));
      expect(maxAbsDiff(t[0], t[1])).toBe(0);
      expect(maxAbsDiff(t[2], t[1])).toBe(0);
    }
  });

  it('adam: three implementations follow the same trajectory, and match PyTorch semantics', () => {
    const shape = [9, 7];
    const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const states = [simd, js, ops].map((k) => ({
      k,
      s: { param: { t: randomTensor(k, shape, 7) }, m: { t: k.zeros(shape) }, v: { t: k.zeros(shape) }, step: 0 },
    }));
    for (let step = 0; step < 5; step++) {
      const g = randomTensor(js, shape, 100 + step);
      for (const { k, s } of states) k.adam(s, g, hyper, 0.1, 0.5);
    }
    const [a, b, o] = states.map(({ s }) => read(s.param.t));
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    expect(maxAbsDiff(o, b)).toBeLessThan(1e-5);
    // First step of Adam moves every coordinate by lr·sign(g) (bias-corrected m/√v = ±1).
    const k = js;
    const s = { param: { t: k.fromHost(new Float32Array([0, 0]), [1, 2]) }, m: { t: k.zeros([1, 2]) }, v: { t: k.zeros([1, 2]) }, step: 0 };
    k.adam(s, k.fromHost(new Float32Array([3, -0.001]), [1, 2]), hyper, 0, 1);
    expect(read(s.param.t)[0]).toBeCloseTo(-0.01, 6);
    expect(read(s.param.t)[1]).toBeCloseTo(0.01, 4);
  });
});

describe('the hard Gumbel-sigmoid sample follows its definition', () => {
  it('m = [L + log u − log(1−u) > 0] and factor = s(1−s)·w with s = σ(L + log u − log(1−u))', () => {
    const n = 4000;
    const logits = new Rng(9, 'L').fillUniform(new Float32Array(n), -5, 5);
    const w = new Rng(9, 'w').fillUniform(new Float32Array(n), -1, 1);
    const seed = 777;
    const sample = simd.sampleMask(simd.sigmoid(simd.fromHost(logits, [40, 100])), simd.fromHost(w, [40, 100]), seed);
    const m = read(sample.masked),
      f = read(sample.factor);
    const u = uniformNoise(seed, n);
    let kept = 0,
      expectedKept = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.log(u[i]) - Math.log(1 - u[i]); // logistic = difference of two Gumbels
      const s = 1 / (1 + Math.exp(-(logits[i] + g)));
      expect(m[i]).toBe(logits[i] + g > 0 ? w[i] : 0);
      expect(f[i]).toBeCloseTo(s * (1 - s) * w[i], 5);
      kept += m[i] !== 0 ? 1 : 0;
      expectedKept += 1 / (1 + Math.exp(-logits[i]));
    }
    // P(keep) = σ(L): the empirical rate matches within sampling noise (σ ≤ √n / 2 ≈ 32).
    expect(Math.abs(kept - expectedKept)).toBeLessThan(130);
  });

  it('the noise is uniform on (0, 1) and never hits 0 or 1', () => {
    const u = uniformNoise(42, 100_000);
    let sum = 0,
      min = 1,
      max = 0;
    for (const x of u) {
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    expect(sum / u.length).toBeCloseTo(0.5, 2);
  });
});

describe('mask sample at the edge of float32', () => {
  // hash32(15340575) has its top 24 bits all set, so u = (2^24 − 0.5) / 2^24 rounds to exactly 1 in float32.
  // With a logit far below 0 (p ≈ 1e-22, reached after ~4,600 steps of pruning at lr 1e-2) the old factor
  // pu·qu·r² overflowed to 0·∞ = NaN and stopped a 20k-step stage; s(1 − s) is 0 there.
  const HIT = 15340575;
  it.each([
    [1, 'vector lanes'],
    [5, 'scalar tail'],
  ] as const)('u = 1 at index %i (%s): finite factor, 0 where s(1 − s) is 0', (index, _where) => {
    expect(uniformNoise(HIT - index, index + 1)[index]).toBe(1);
    for (const k of [simd, js, ops]) {
      const probs = k.fromHost(new Float32Array(7).fill(1 / (1 + Math.exp(50))), [1, 7]);
      const weights = k.fromHost(new Float32Array(7).fill(-0.3), [1, 7]);
      const s = k.sampleMask(probs, weights, HIT - index);
      const factor = read(s.factor);
      expect(factor.every(Number.isFinite), k.name).toBe(true);
      expect(Math.abs(factor[index]), k.name).toBe(0);
      tf.dispose([probs, weights, s.masked, s.maskedT, s.factor]);
    }
  });
});

describe('logit floor', () => {
  // Below −80 the probability would become a float32 denormal, and denormal arithmetic made the mask steps of long
  // stages about 11× slower (measured: 18.8 ms against 1.7 ms per sigmoid + sample of 262k weights at logit −95).
  it('σ(L) is σ(−80) below the floor in every implementation, unchanged above it, and such a weight is never kept', () => {
    const L = new Float32Array([-200, -95, -80, -79.5, -20, 0, 3, 40]);
    const expected = Array.from(L, (l) => Math.fround(1 / (1 + Math.exp(-Math.max(l, LOGIT_FLOOR)))));
    for (const k of [simd, js, ops]) {
      const logits = k.fromHost(L, [1, 8]);
      const p = read(k.sigmoid(logits));
      p.forEach((v, i) => expect(Math.abs(v - expected[i]) / expected[i], `${k.name} at ${L[i]}`).toBeLessThan(1e-5));
      const probs = k.sigmoid(logits);
      const s = k.sampleMask(probs, k.fromHost(new Float32Array(8).fill(1), [1, 8]), 12345);
      expect(Array.from(read(s.masked).subarray(0, 2)), k.name).toEqual([0, 0]);
      tf.dispose([logits, probs, s.masked, s.maskedT, s.factor]);
    }
  });

  it('is one constant: the WebAssembly source declares the floor the TypeScript kernels use', () => {
    const source = readFileSync(join(import.meta.dirname, '../../experiments/masking/kernels/mask-kernels.as.ts'), 'utf8');
    const declared = /export const LOGIT_FLOOR: f32 = (-?[\d.]+);/.exec(source);
    expect(declared, 'LOGIT_FLOOR in mask-kernels.as.ts').not.toBeNull();
    expect(Number(declared![1])).toBe(LOGIT_FLOOR);
    expect(LOGIT_FLOOR).toBe(-80);
  });
});
