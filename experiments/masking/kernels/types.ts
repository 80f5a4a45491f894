// The element-wise kernels of the mask method and of Adam, behind one interface
// with three implementations: wasm-simd (hand-written WebAssembly on the tfjs
// heap, the fast path here), js (plain loops; the cpu backend and a readable
// reference), tf-ops (tfjs ops; any backend, e.g. tfjs-node-gpu).
import type * as tf from '@tensorflow/tfjs-core';

/** A tensor that a kernel may update in place or replace (then it disposes the old one). */
export interface Slot {
  t: tf.Tensor;
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export interface AdamSlots {
  param: Slot;
  m: Slot;
  v: Slot;
  /** Number of updates done so far (bias correction). */
  step: number;
}

export interface MaskSample {
  /** W ⊙ m, same layout as W: [in, out]. */
  masked: tf.Tensor;
  /** (W ⊙ m)ᵀ: [out, in]. */
  maskedT: tf.Tensor;
  /** s (1 − s) W: turns dLoss/dW_eff into dLoss/dLogit (straight-through). */
  factor: tf.Tensor;
}

export type KernelName = 'wasm-simd' | 'js' | 'tf-ops';

export interface Kernels {
  readonly name: KernelName;
  /** New tensor of zeros. */
  zeros(shape: number[]): tf.Tensor;
  /** New tensor holding a copy of host values, which the kernels may update in place. */
  fromHost(values: Float32Array, shape: number[]): tf.Tensor;
  /** The tensor's values on the host: a live view where possible (valid until the next allocation), else a copy. */
  read(t: tf.Tensor): Float32Array;
  /** New tensor σ(logits). */
  sigmoid(logits: tf.Tensor): tf.Tensor;
  /**
   * One hard Gumbel-sigmoid sample of the mask of a 2-D weight [rows, cols], with
   * logistic noise from the counter hash at `seed` (see mask-kernels.as.ts).
   */
  sampleMask(probs: tf.Tensor, weights: tf.Tensor, seed: number): MaskSample;
  /** acc += grad ⊙ factor. */
  accumulateProduct(acc: Slot, grad: tf.Tensor, factor: tf.Tensor): void;
  /** acc += grad ⊙ m, m the mask alone that sampleMask(probs, ·, seed) draws (the bits of sampleMask on ones, then accumulateProduct). */
  accumulateMask(acc: Slot, grad: tf.Tensor, probs: tf.Tensor, seed: number): void;
  /** Σ (grad + shift)², for global-norm clipping. */
  sumSquares(grad: tf.Tensor, shift: number): number;
  /** One Adam update with gradient (grad + shift) · scale. */
  adam(state: AdamSlots, grad: tf.Tensor, hyper: AdamHyper, shift: number, scale: number): void;
  /** New tensor: the transpose of a 2-D tensor. */
  transpose(src: tf.Tensor): tf.Tensor;
}
