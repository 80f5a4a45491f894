// The hand-written MLP backward pass against finite differences of the loss,
// and the pre-training loop against leaks.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initMlp, layerShapes, mlpBackward, mlpForward, type MlpHostParams } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { digitCrossEntropy } from '../../experiments/train/digit-loss.ts';
import { pretrainMlp } from '../../experiments/train/pretrain-mlp.ts';
import { uploadFeatureMajor, type Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES = [6, 9, 7, 20];
const N = 5;

function upload(p: MlpHostParams) {
  return layerShapes(p.sizes).map(([i, o], l) => {
    const W = tf.tensor(p.W[l], [i, o]);
    return { W, WT: tf.transpose(W), b: tf.tensor(p.b[l], [o, 1]) };
  });
}

function data(): Pass {
  const rng = new Rng(8, 'x');
  return { x: rng.fillUniform(new Float32Array(N * 6), -1, 1), targets: new Uint8Array(N * 2).map(() => rng.int(10)), n: N, rowOffset: 0, digits: 2 };
}

function loss(p: MlpHostParams, pass: Pass): { value: number; gradT: Float32Array } {
  return tf.tidy(() => {
    const c = mlpForward(uploadFeatureMajor(pass.x, 6, 0, N), upload(p));
    const out = c.inputs[c.inputs.length - 1];
    const r = digitCrossEntropy(Float32Array.from(out.dataSync()), 20, N, 0, 2, pass.targets, 1 / (N * 2));
    return { value: r.lossSum / (N * 2), gradT: r.gradT };
  });
}

describe.each(['wasm', 'cpu'] as const)('MLP on %s', (name) => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend(name);
  });

  it('backward matches central finite differences for every weight and bias', () => {
    const p = initMlp(SIZES, new Rng(2, 'init'));
    const pass = data();
    const grads = tf.tidy(() => {
      const layers = upload(p);
      const c = mlpForward(uploadFeatureMajor(pass.x, 6, 0, N), layers);
      const out = c.inputs[c.inputs.length - 1];
      const r = digitCrossEntropy(Float32Array.from(out.dataSync()), 20, N, 0, 2, pass.targets, 1 / (N * 2));
      const g = mlpBackward(c, tf.tensor(r.gradT, out.shape), layers, true);
      return { dW: g.dW.map((t) => Float32Array.from(t.dataSync())), db: g.db.map((t) => Float32Array.from(t.dataSync())) };
    });
    const h = 1e-2;
    let checked = 0;
    for (const [kind, arrays, analytic] of [
      ['W', p.W, grads.dW],
      ['b', p.b, grads.db],
    ] as const) {
      arrays.forEach((arr, l) => {
        for (let i = 0; i < arr.length; i++) {
          const orig = arr[i];
          arr[i] = orig + h;
          const up = loss(p, pass).value;
          arr[i] = orig - h;
          const down = loss(p, pass).value;
          arr[i] = orig;
          const fd = (up - down) / (2 * h);
          // float32 forward passes: absolute tolerance of a few 1e-4.
          expect(Math.abs(fd - analytic[l][i]), `${kind}${l}[${i}]`).toBeLessThan(5e-4);
          checked++;
        }
      });
    }
    expect(checked).toBe(6 * 9 + 9 * 7 + 7 * 20 + 9 + 7 + 20);
  });

  it('pre-training lowers the loss and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const init = initMlp(SIZES, new Rng(3, 'init'));
    const rng = new Rng(3, 'data');
    const fixed = data();
    const start = loss(init, fixed).value;
    const result = pretrainMlp(
      active.kernels,
      init,
      { steps: 200, batchSize: N, lr: 1e-2, gradClip: 1, finalLrFactor: 1 },
      () => [fixed],
      () => {},
    );
    expect(loss(result.params, fixed).value).toBeLessThan(start * 0.5);
    expect(tf.memory().numTensors).toBe(before);
    void rng;
  });
});

describe('tfjs-wasm matMul with an operand modified in place', () => {
  it('sees the new values when the modified tensor is the first operand (our weights)', async () => {
    const active = await useBackend('wasm');
    const W = active.kernels.fromHost(new Float32Array([1, 2, 3, 4]), [2, 2]);
    const x = tf.tensor([[1], [1]]);
    expect(Array.from(tf.matMul(W, x).dataSync())).toEqual([3, 7]);
    // Adam updates weights in place; results must follow.
    active.kernels.read(W).set([10, 20, 30, 40]);
    expect(Array.from(tf.matMul(W, x).dataSync())).toEqual([30, 70]);
  });
});
