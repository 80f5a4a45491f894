// The WebAssembly LSTM point-wise kernel against the tfjs-ops version, on
// shapes whose element count is not a multiple of the 4 SIMD lanes.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lstmPointwise, tfOpsLstmPointwise } from '../../experiments/models/kernels/lstm-pointwise.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const rand = (shape: number[], seed: number, s = 3) => tf.tensor(new Rng(seed, 'pw').fillUniform(new Float32Array(shape[0] * shape[1]), -s, s), shape);
const diff = (a: tf.Tensor, b: tf.Tensor) => Math.max(...Array.from(tf.abs(tf.sub(a, b)).dataSync()));

describe('LSTM point-wise kernel', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is the WebAssembly SIMD kernel on the wasm backend', () => {
    expect(lstmPointwise().name).toBe('wasm-simd');
  });

  it.each([
    [5, 3],
    [8, 16],
    [1, 1],
    [7, 9],
  ])('H=%i, n=%i: forward and backward agree with tfjs ops', (H, n) => {
    const fast = lstmPointwise();
    const z = rand([4 * H, n], 1, 6),
      cPrev = rand([H, n], 2),
      dh = rand([H, n], 3),
      dc = rand([H, n], 4);
    const a = fast.forward(z, cPrev),
      b = tfOpsLstmPointwise.forward(z, cPrev);
    for (const k of ['act', 'c', 'h', 'tc'] as const) expect(diff(a[k], b[k]), k).toBeLessThan(2e-6 * 6);
    const ga = fast.backward(a.act, a.tc, cPrev, dh, dc),
      gb = tfOpsLstmPointwise.backward(b.act, b.tc, cPrev, dh, dc);
    expect(diff(ga.dz, gb.dz)).toBeLessThan(1e-5);
    expect(diff(ga.dcPrev, gb.dcPrev)).toBeLessThan(1e-5);
  });

  // Ended sequences keep their state: the kernel must give the bits of the tfjs
  // expression it replaces, signed zeros included (a kept −0 plus the carried
  // state's +0 rounds to +0 in both).
  const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);
  it.each([
    [5, 3],
    [16, 13],
    [1, 1],
    [128, 16],
  ])('keep and split, %i rows × %i columns: the bits of the tfjs ops', (rows, n) => {
    const rng = new Rng(rows * 31 + n, 'keep');
    const keep = tf.tensor(
      Float32Array.from({ length: n }, (_, j) => (j === 0 || rng.uniform() < 0.6 ? 1 : 0)),
      [1, n],
    );
    const signed = (seed: number) =>
      tf.tensor(
        Float32Array.from({ length: rows * n }, (_, i) => (i % 5 === 2 ? (new Rng(seed + i, 'z').uniform() < 0.5 ? -0 : 0) : rng.normal())),
        [rows, n],
      );
    const next = signed(1),
      prev = signed(2),
      g = signed(3);
    expect(bits(lstmPointwise().keepColumns(keep, next, prev))).toEqual(bits(tfOpsLstmPointwise.keepColumns(keep, next, prev)));
    const [kept, carried] = lstmPointwise().splitColumns(keep, g);
    const [keptRef, carriedRef] = tfOpsLstmPointwise.splitColumns(keep, g);
    expect(bits(kept)).toEqual(bits(keptRef));
    expect(bits(carried)).toEqual(bits(carriedRef));
  });
});
