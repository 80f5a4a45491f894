// The WebAssembly matrix product (plain-matmul.as.ts) against tf.matMul on the
// wasm backend: the same bits, on every product shape of the quick and the
// paper's CIFAR-10 CNN and on ragged ones (rows not a multiple of the 4-row
// tile, long and short inner dimensions, zeros of both signs); the transpose
// exactly; widths the kernel does not take go to tf.matMul.
import * as tf from '@tensorflow/tfjs-core';
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
  ];
  it.each(shapes)('%i×%i · %i', (m, k, n) => {
    const a = operand([m, k], m * 31 + k);
    const b = operand([k, n], n * 17 + k);
    const fast = plainMatMul().matMul(a, b);
    expect(fast.shape).toEqual([m, n]);
    expect(bitMismatches(fast, tf.matMul(a, b))).toBe(0);
    tf.dispose([a, b, fast]);
  });

  it('hands widths that are not a multiple of 8 to tf.matMul', () => {
    const a = operand([4, 6], 1);
    const b = operand([6, 10], 2);
    expect(bitMismatches(plainMatMul().matMul(a, b), tf.matMul(a, b))).toBe(0);
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
