// The kernels as tfjs ops: works on every backend (tfjs-node, tfjs-node-gpu),
// at the price of one tensor per intermediate. Tensors are never modified in
// place here: slots get new tensors and the old ones are disposed.
//
// The noise is generated on the host with the same counter hash as the other
// kernels and uploaded, so all three implementations draw identical masks.
// On a GPU this upload (K × #weights floats per step) is the main overhead of
// this path.
import { LOGIT_FLOOR } from './logit-floor.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamHyper, AdamSlots, Kernels, MaskSample, Slot } from './types.ts';
import { uniformNoise } from './uniform-noise.ts';

export function createTfOpsKernels(): Kernels {
  return new TfOpsKernels();
}

// The new tensor is kept: callers run kernels inside tf.tidy, which would
// otherwise dispose the slot's new content at the end of their scope.
function replace(slot: Slot, t: tf.Tensor): void {
  const old = slot.t;
  slot.t = tf.keep(t);
  old.dispose();
}

class TfOpsKernels implements Kernels {
  readonly name = 'tf-ops' as const;

  zeros(shape: number[]): tf.Tensor {
    return tf.zeros(shape);
  }

  fromHost(values: Float32Array, shape: number[]): tf.Tensor {
    return tf.tensor(values, shape, 'float32');
  }

  read(t: tf.Tensor): Float32Array {
    return t.dataSync() as Float32Array;
  }

  sigmoid(logits: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sigmoid(tf.maximum(logits, LOGIT_FLOOR)));
  }

  sampleMask(probs: tf.Tensor, weights: tf.Tensor, seed: number): MaskSample {
    return tf.tidy(() => {
      const u = tf.tensor(uniformNoise(seed, weights.size), weights.shape);
      const pu = tf.mul(probs, u);
      const qu = tf.mul(tf.sub(1, probs), tf.sub(1, u));
      const keep = tf.cast(tf.greater(pu, qu), 'float32');
      const masked = tf.mul(weights, keep);
      const s = tf.div(pu, tf.add(pu, qu));
      const factor = tf.mul(tf.mul(s, tf.sub(1, s)), weights);
      return { masked, maskedT: tf.transpose(masked), factor };
    });
  }

  accumulateProduct(acc: Slot, grad: tf.Tensor, factor: tf.Tensor): void {
    replace(
      acc,
      tf.tidy(() => tf.add(acc.t, tf.mul(grad, factor))),
    );
  }

  accumulateMask(acc: Slot, grad: tf.Tensor, probs: tf.Tensor, seed: number): void {
    const ones = tf.onesLike(probs);
    const sample = this.sampleMask(probs, ones, seed);
    this.accumulateProduct(acc, grad, sample.masked);
    tf.dispose([ones, sample.masked, sample.maskedT, sample.factor]);
  }

  sumSquares(grad: tf.Tensor, shift: number): number {
    const s = tf.tidy(() => tf.sum(tf.square(tf.add(grad, shift))));
    const value = s.dataSync()[0];
    s.dispose();
    return value;
  }

  adam(state: AdamSlots, grad: tf.Tensor, h: AdamHyper, shift: number, scale: number): void {
    state.step += 1;
    const c1 = 1 - h.beta1 ** state.step;
    const c2 = 1 - h.beta2 ** state.step;
    const [p, m, v] = tf.tidy(() => {
      const g = tf.mul(tf.add(grad, shift), scale);
      const m = tf.add(tf.mul(state.m.t, h.beta1), tf.mul(g, 1 - h.beta1));
      const v = tf.add(tf.mul(state.v.t, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
      const update = tf.div(tf.mul(m, h.lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), h.eps));
      return [tf.sub(state.param.t, update), m, v];
    });
    replace(state.param, p);
    replace(state.m, m);
    replace(state.v, v);
  }

  transpose(src: tf.Tensor): tf.Tensor {
    return tf.transpose(src);
  }
}
