// The hand-written LSTM step backward, unrolled over several steps, against
// central finite differences of a scalar loss (weights, bias, inputs, initial state).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lstmStepBackward, lstmStepForward, weightGradient, type LstmState, type LstmStepCache } from '../../experiments/models/lstm-cell.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const IN = 3,
  H = 4,
  C = 2,
  T = 4;

interface Params {
  W: Float32Array;
  b: Float32Array;
  xs: Float32Array[];
  h0: Float32Array;
  c0: Float32Array;
  readout: Float32Array[];
}

function params(): Params {
  const rng = new Rng(5, 'lstm');
  const u = (n: number, s = 0.8) => rng.fillUniform(new Float32Array(n), -s, s);
  return {
    W: u((IN + H) * 4 * H),
    b: u(4 * H),
    xs: Array.from({ length: T }, () => u(IN * C, 1)),
    h0: u(H * C, 0.5),
    c0: u(H * C, 0.5),
    readout: Array.from({ length: T }, () => u(H * C, 1)),
  };
}

/** Loss = Σ_t ⟨readout_t, h_t⟩ + ⟨readout_0, c_T⟩; returns it and, if asked, all gradients. */
function run(p: Params, withGrads: boolean) {
  return tf.tidy(() => {
    const W = tf.tensor(p.W, [IN + H, 4 * H]);
    const w = { W, WT: tf.transpose(W), b: tf.tensor(p.b, [4 * H, 1]) };
    let state: LstmState = { h: tf.tensor(p.h0, [H, C]), c: tf.tensor(p.c0, [H, C]) };
    const caches: LstmStepCache[] = [];
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const step = lstmStepForward(tf.tensor(p.xs[t], [IN, C]), state, w);
      caches.push(step.cache);
      state = step.state;
      loss += tf.sum(tf.mul(state.h, tf.tensor(p.readout[t], [H, C]))).dataSync()[0];
    }
    loss += tf.sum(tf.mul(state.c, tf.tensor(p.readout[0], [H, C]))).dataSync()[0];
    if (!withGrads) return { loss };
    let dh = tf.zeros([H, C]);
    let dc = tf.tensor(p.readout[0], [H, C]);
    const dzs: tf.Tensor[] = [];
    const dxs: Float32Array[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const g = lstmStepBackward(caches[t], tf.add(dh, tf.tensor(p.readout[t], [H, C])), dc, w, IN);
      dzs[t] = g.dz;
      dxs[t] = Float32Array.from(g.dx.dataSync());
      dh = g.dhPrev;
      dc = g.dcPrev;
    }
    const { dW, db } = weightGradient(
      caches.map((c) => c.inputs),
      dzs,
      true,
    );
    return {
      loss,
      dW: Float32Array.from(dW.dataSync()),
      db: Float32Array.from(db!.dataSync()),
      dxs,
      dh0: Float32Array.from(dh.dataSync()),
      dc0: Float32Array.from(dc.dataSync()),
    };
  });
}

describe.each(['wasm', 'cpu'] as const)('LSTM step on %s', (name) => {
  beforeAll(async () => {
    await useBackend(name);
  });

  it('backward through 4 steps matches finite differences for W, b, x_t, h0 and c0', () => {
    const p = params();
    const g = run(p, true) as Required<ReturnType<typeof run>> & {
      dW: Float32Array;
      db: Float32Array;
      dxs: Float32Array[];
      dh0: Float32Array;
      dc0: Float32Array;
    };
    const checks: [string, Float32Array, Float32Array][] = [
      ['W', p.W, g.dW],
      ['b', p.b, g.db],
      ['h0', p.h0, g.dh0],
      ['c0', p.c0, g.dc0],
      ...p.xs.map((x, t) => [`x${t}`, x, g.dxs[t]] as [string, Float32Array, Float32Array]),
    ];
    const h = 1e-2;
    let n = 0;
    for (const [label, arr, analytic] of checks) {
      for (let i = 0; i < arr.length; i++) {
        const orig = arr[i];
        arr[i] = orig + h;
        const up = run(p, false).loss;
        arr[i] = orig - h;
        const down = run(p, false).loss;
        arr[i] = orig;
        expect(Math.abs((up - down) / (2 * h) - analytic[i]), `${label}[${i}]`).toBeLessThan(2e-3);
        n++;
      }
    }
    expect(n).toBe((IN + H) * 4 * H + 4 * H + 2 * H * C + T * IN * C);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    run(params(), true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
