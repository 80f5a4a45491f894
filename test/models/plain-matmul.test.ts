// The WebAssembly matrix product (plain-matmul.as.ts) against tf.matMul on the
// wasm backend: the same bits, on every product shape of the quick and the
// paper's CIFAR-10 CNN and on ragged ones (rows not a multiple of the 4-row
// tile, long and short inner dimensions, zeros of both signs); the transpose
// exactly.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainMatMul, referencePlainMatMul } from '../../experiments/models/kernels/plain-matmul.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

/** How many elements differ in their bits (a count, so that large products compare fast). */
function bitMismatches(a: tf.Tensor, b: tf.Tensor): number {
  const x = bits(a);
  const y = bits(b);
  if (x.length !== y.length) return Math.max(x.length, y.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

function operand(shape: [number, number], seed: number): tf.Tensor {
  const rng = new Rng(seed, 'plain-matmul');
  // Every 7th value a signed zero: a product of zeros must keep XNNPACK's sign too.
  const v = Float32Array.from({ length: shape[0] * shape[1] }, (_, i) => (i % 7 === 3 ? (rng.uniform() < 0.5 ? -0 : 0) : rng.normal()));
  return tf.tensor(v, shape);
}

/** [m, k, n] of the CNN's products per chunk: forward Wᵀ·cols, dcols = W·dz, dW = cols·dzᵀ. */
function cnnProducts(channels: number[], n: number, side: number): [number, number, number][] {
  return channels.slice(1).flatMap((out, l) => {
    const cin = channels[l];
    const p = n * (side >> l) ** 2;
    return [
      [out, 9 * cin, p],
      [9 * cin, out, p],
      [9 * cin, p, out],
    ] as [number, number, number][];
  });
}

describe('plain matMul kernel = tf.matMul, bit for bit (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is the WebAssembly SIMD kernel on the wasm backend', () => {
    expect(plainMatMul().name).toBe('wasm-simd');
  });

  const shapes: [number, number, number][] = [
    ...cnnProducts([3, 16, 32, 64, 128], 16, 32),
    ...cnnProducts([3, 32, 64, 128, 256], 2, 32),
    [1, 1, 8],
    [3, 5, 16],
    [5, 1000, 24],
    [6, 2, 8],
    [9, 40000, 8],
    // Widths that are not whole 8-column tiles: the LSTM's shrinking decoder batches, the classifier's 10.
    [512, 256, 13],
    [7, 33, 5],
    [4, 6, 10],
    [2, 3, 1],
    [5, 200, 3],
    // Every tail width 1–7 (one accumulator per row up to 4 lanes, two beyond).
    [64, 20, 2],
    [9, 17, 4],
    [8, 30, 6],
    [12, 11, 7],
    [13, 144, 15],
    // B packed into panels (≥ 32 rows and columns), with a column tail.
    [40, 300, 77],
  ];
  it.each(shapes)('%i×%i · %i', (m, k, n) => {
    const a = operand([m, k], m * 31 + k);
    const b = operand([k, n], n * 17 + k);
    const fast = plainMatMul().matMul(a, b);
    expect(fast.shape).toEqual([m, n]);
    expect(bitMismatches(fast, tf.matMul(a, b))).toBe(0);
    tf.dispose([a, b, fast]);
  });

  it.each([
    [16, 16384],
    [7, 9],
    [1, 5],
    [13, 4],
  ])('transposes %i×%i exactly', (m, n) => {
    const x = operand([m, n], m + n);
    expect(bitMismatches(plainMatMul().transpose(x), referencePlainMatMul.transpose(x))).toBe(0);
  });

  it('sums in order, in float32, also where B ends at the end of memory (the column tail reads nothing past B)', () => {
    // The kernel on a memory of its own (one 64 KiB page): A and C at the start, B once early and once flush with the end.
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bytes = readFileSync(new URL('../../experiments/models/kernels/plain-matmul.wasm', import.meta.url));
    const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
      matMul(m: number, k: number, n: number, a: number, b: number, c: number): void;
    };
    const [m, inner, n] = [6, 9, 11];
    const f = new Float32Array(memory.buffer);
    const rng = new Rng(5, 'plain-matmul');
    const A = Float32Array.from({ length: m * inner }, () => rng.normal());
    const B = Float32Array.from({ length: inner * n }, () => rng.normal());
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < inner; p++) sum = Math.fround(sum + Math.fround(A[i * inner + p] * B[p * n + j]));
        expected[i * n + j] = sum;
      }
    const [aAt, cAt, bEarly, bLast] = [0, 1024, 2048, f.length - B.length];
    f.set(A, aAt);
    for (const bAt of [bEarly, bLast]) {
      f.set(B, bAt);
      f.fill(NaN, cAt, cAt + m * n);
      k.matMul(m, inner, n, 4 * aAt, 4 * bAt, 4 * cAt);
      expect(Array.from(f.subarray(cAt, cAt + m * n))).toEqual(Array.from(expected));
    }
  });

  it.each([
    [512, 16, 128, 13],
    [512, 16, 128, 64],
    [512, 16, 128, 1],
    [33, 5, 9, 4],
    [33, 5, 9, 6],
    [64, 16, 128, 45],
    [6, 3, 0, 5],
    [9, 1, 7, 8],
  ])('affine: A · [B₁; B₂] + bias = tf.add(tf.matMul(A, concat), bias), %i rows, %i + %i inner, %i wide', (m, k1, k2, n) => {
    const a = operand([m, k1 + k2], m + k1);
    const b1 = operand([k1, n], k1 + n);
    const b2 = operand([k2, n], k2 + n + 1);
    const bias = operand([m, 1], m);
    const parts: [tf.Tensor] | [tf.Tensor, tf.Tensor] = k2 > 0 ? [b1, b2] : [b1];
    expect(bitMismatches(plainMatMul().affine(a, parts, bias), tf.add(tf.matMul(a, tf.concat(parts, 0)), bias))).toBe(0);
    expect(bitMismatches(plainMatMul().affine(a, parts), tf.matMul(a, tf.concat(parts, 0)))).toBe(0);
    expect(bitMismatches(plainMatMul().affine(a, parts, bias), referencePlainMatMul.affine(a, parts, bias))).toBe(0);
  });

  it('row blocks: [A₁; A₂] · B as one tensor, and A · B cut into row blocks, are the rows of the whole product', () => {
    const a1 = operand([16, 300], 1);
    const a2 = operand([128, 300], 2);
    const b = operand([300, 512], 3);
    const whole = tf.matMul(tf.concat([a1, a2], 0), b);
    expect(bitMismatches(plainMatMul().matMulConcatRows([a1, a2], b), whole)).toBe(0);
    const [top, bottom] = plainMatMul().matMulRowBlocks(tf.concat([a1, a2], 0), b, [16, 128]);
    expect(bitMismatches(top, tf.slice(whole, [0, 0], [16, 512]))).toBe(0);
    expect(bitMismatches(bottom, tf.slice(whole, [16, 0], [128, 512]))).toBe(0);
    expect(() => plainMatMul().matMulRowBlocks(a1, b, [10, 5])).toThrow(/do not add up/);
  });

  it('columns side by side: the bits of tf.concat along axis 1, with ragged and empty widths and a single input', () => {
    const widths = [64, 1, 0, 37, 8, 128];
    const parts = widths.map((w, i) => operand([12, w], 10 + i));
    expect(bitMismatches(plainMatMul().concatColumns(parts), tf.concat(parts, 1))).toBe(0);
    expect(plainMatMul().concatColumns(parts).shape).toEqual([12, 238]);
    expect(bitMismatches(plainMatMul().concatColumns([parts[0]]), parts[0])).toBe(0);
    expect(() => plainMatMul().concatColumns([parts[0], operand([3, 4], 1)])).toThrow(/side by side/);
  });

  it('a slice of columns: the bits of tf.slice along axis 1, empty and whole slices too', () => {
    const x = operand([12, 37], 21);
    for (const [start, width] of [
      [0, 37],
      [0, 5],
      [3, 13],
      [36, 1],
      [10, 0],
    ]) {
      expect(bitMismatches(plainMatMul().sliceColumns(x, start, width), tf.slice(x, [0, start], [12, width]))).toBe(0);
    }
    expect(() => plainMatMul().sliceColumns(x, 30, 8)).toThrow(/columns 30…37 of a \[12,37\] tensor/);
  });

  it('refuses operands that do not chain', () => {
    expect(() => plainMatMul().matMul(tf.zeros([2, 3]), tf.zeros([4, 8]))).toThrow(/do not chain/);
  });

  it('frees what it allocates: tensor count flat under tidy', () => {
    const a = operand([8, 8], 3);
    const before = tf.memory().numTensors;
    tf.tidy(() => plainMatMul().matMul(plainMatMul().transpose(a), a)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
