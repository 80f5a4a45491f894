// The CIFAR CNN's hand-written backward pass (every weight and bias, through
// three max pools and the global average pool) against central finite
// differences of the cross-entropy, and its forward pass against tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnBackward, cnnForward, cnnShapes, initCnn, type CnnHostParams, type CnnSizes } from '../../experiments/models/cnn.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { digitCrossEntropy } from '../../experiments/train/digit-loss.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES: CnnSizes = { channels: [2, 3, 3, 4, 5], classes: 10, side: 8 };
const N = 2;
const rng = new Rng(5, 'cnn-data');
const X = rng.fillUniform(new Float32Array(2 * N * 64), -1, 1);
const Y = Uint8Array.from([3, 7]);

function layersOf(p: CnnHostParams) {
  return cnnShapes(p.sizes).map(([i, o], l) => {
    const W = tf.tensor(p.W[l], [i, o]);
    return { W, WT: tf.transpose(W), b: tf.tensor(p.b[l], [o, 1]) };
  });
}

function lossAndGrads(p: CnnHostParams, withGrads: boolean) {
  // Host copies are collected outside the tidy's return value (tfjs walks returned containers).
  const out = { loss: 0, dW: [] as Float64Array[], db: [] as Float64Array[] };
  tf.tidy(() => {
    const layers = layersOf(p);
    const cache = cnnForward(tf.tensor(X, [2, N * 64]), N, SIZES, layers);
    const r = digitCrossEntropy(Float32Array.from(cache.logits.dataSync()), 10, N, 0, 1, Y, 1 / N);
    out.loss = r.lossSum / N;
    if (!withGrads) return;
    const g = cnnBackward(cache, tf.tensor(r.gradT, [10, N]), layers);
    out.dW = g.dW.map((t) => Float64Array.from(t.dataSync()));
    out.db = g.db.map((t) => Float64Array.from(t.dataSync()));
  });
  return out;
}

describe.each(['wasm', 'cpu'] as const)('CNN on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('gradients of every weight and bias match finite differences', () => {
    const p = initCnn(SIZES, new Rng(6, 'init'));
    const before = tf.memory().numTensors;
    const g = lossAndGrads(p, true);
    expect(tf.memory().numTensors).toBe(before);
    // A step this size can cross a ReLU or max-pool switch on one side (checked
    // by hand for W1[62]: the right-sided difference equals the analytic value
    // to 6 digits, the left one jumps). Where it does, the difference on the
    // smooth side must match; a wrong gradient matches none of the three.
    const h = 3e-3;
    const base = lossAndGrads(p, false).loss;
    let checked = 0;
    for (const [kind, arrays, grads] of [
      ['W', p.W, g.dW],
      ['b', p.b, g.db],
    ] as const) {
      arrays.forEach((arr, l) => {
        // Every bias, and a spread of weights per layer (the first conv has 54).
        const step = kind === 'b' ? 1 : Math.max(1, Math.floor(arr.length / 40));
        for (let i = 0; i < arr.length; i += step) {
          const keep = arr[i];
          arr[i] = keep + h;
          const up = lossAndGrads(p, false).loss;
          arr[i] = keep - h;
          const down = lossAndGrads(p, false).loss;
          arr[i] = keep;
          const err = Math.min(...[(up - down) / (2 * h), (up - base) / h, (base - down) / h].map((fd) => Math.abs(grads[l][i] - fd) - 2e-2 * Math.abs(fd)));
          expect(err, `${kind}${l}[${i}]`).toBeLessThan(2e-3);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(150);
  });
});
