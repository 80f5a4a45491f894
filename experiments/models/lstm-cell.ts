// One LSTM layer step with its backward pass written by hand, in the same
// feature-major layout as the MLP (activations [units, batch]), so that a
// masked weight is always the first operand of a plain 2-D matMul (see mlp.ts
// for why that is the fast path on tfjs-wasm).
//
// The input and recurrent weights are stacked into one matrix
//   W = [W_ih; W_hh]   shape [in + H, 4H], gate order [input, forget, cell, output]
// so one product computes all gates: zᵀ = Wᵀ [xᵀ; hᵀ] + b. For the analyses
// the rows 0..in-1 (W_ih) and in..in+H-1 (W_hh) are reported separately.
import * as tf from '@tensorflow/tfjs-core';

export interface LstmWeights {
  /** [in + H, 4H]: first operand of the input-gradient product. */
  W: tf.Tensor;
  /** [4H, in + H]: first operand of the gate product. */
  WT: tf.Tensor;
  /** [4H, 1]. */
  b: tf.Tensor;
}

export interface LstmState {
  h: tf.Tensor;
  c: tf.Tensor;
}

/** What the backward pass of one step needs. */
export interface LstmStepCache {
  /** [xᵀ; hᵀ_prev]: [in + H, batch]. */
  xh: tf.Tensor;
  cPrev: tf.Tensor;
  i: tf.Tensor;
  f: tf.Tensor;
  g: tf.Tensor;
  o: tf.Tensor;
  /** tanh(c). */
  tc: tf.Tensor;
}

function gate(z: tf.Tensor, k: number, H: number): tf.Tensor {
  return tf.slice(z, [k * H, 0], [H, z.shape[1]!]);
}

export function lstmStepForward(xT: tf.Tensor, state: LstmState, w: LstmWeights): { state: LstmState; cache: LstmStepCache } {
  const H = state.h.shape[0];
  const xh = tf.concat([xT, state.h], 0);
  const z = tf.add(tf.matMul(w.WT, xh), w.b);
  const i = tf.sigmoid(gate(z, 0, H));
  const f = tf.sigmoid(gate(z, 1, H));
  const g = tf.tanh(gate(z, 2, H));
  const o = tf.sigmoid(gate(z, 3, H));
  const c = tf.add(tf.mul(f, state.c), tf.mul(i, g));
  const tc = tf.tanh(c);
  const h = tf.mul(o, tc);
  return { state: { h, c }, cache: { xh, cPrev: state.c, i, f, g, o, tc } };
}

export interface LstmStepGradients {
  /** dLoss/dW for this step, [in + H, 4H]. */
  dW: tf.Tensor;
  /** dLoss/db, [4H, 1] (only when asked for). */
  db: tf.Tensor | null;
  dx: tf.Tensor;
  dhPrev: tf.Tensor;
  dcPrev: tf.Tensor;
}

/**
 * Backward through one step, from the gradients reaching its outputs h and c.
 * inputSize is the number of rows of xᵀ (the rest of [xᵀ; hᵀ] is h).
 */
export function lstmStepBackward(cache: LstmStepCache, dh: tf.Tensor, dc: tf.Tensor, w: LstmWeights, inputSize: number, withBias: boolean): LstmStepGradients {
  const { i, f, g, o, tc, cPrev, xh } = cache;
  const one = tf.scalar(1);
  const dcTotal = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(one, tf.square(tc))));
  const dzi = tf.mul(tf.mul(dcTotal, g), tf.mul(i, tf.sub(one, i)));
  const dzf = tf.mul(tf.mul(dcTotal, cPrev), tf.mul(f, tf.sub(one, f)));
  const dzg = tf.mul(tf.mul(dcTotal, i), tf.sub(one, tf.square(g)));
  const dzo = tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(one, o)));
  const dz = tf.concat([dzi, dzf, dzg, dzo], 0);
  // dW = [xᵀ; hᵀ] · dzᵀ: the thin dzᵀ is the packed second operand.
  const dW = tf.matMul(xh, tf.transpose(dz));
  const dxh = tf.matMul(w.W, dz);
  const H = dh.shape[0];
  return {
    dW,
    db: withBias ? tf.sum(dz, 1, true) : null,
    dx: tf.slice(dxh, [0, 0], [inputSize, dz.shape[1]!]),
    dhPrev: tf.slice(dxh, [inputSize, 0], [H, dz.shape[1]!]),
    dcPrev: tf.mul(dcTotal, f),
  };
}
