// The masked tensors' values trained along with their masks: the transfer
// experiment of docs/method.md §4 (permuted MNIST). Every element that an earlier
// task's mask used keeps its value (its gradient is zeroed, so Adam leaves it);
// everything else is trained with the same Adam settings as the logits.
//
// With W_eff = W ⊙ m, dLoss/dW = dLoss/dW_eff ⊙ m, m redrawn from the same
// probabilities and noise by the kernels' accumulateMask.
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { AdamHyper, AdamSlots, Slot } from './kernels/types.ts';
import { adamSlots, disposeSlots, readParam } from '../train/adam-slots.ts';

export class TrainedValues {
  private readonly params: AdamSlots[];
  private readonly trainable: tf.Tensor[];

  /** `frozen[j][i]` = 1: element i of tensor j keeps its value. */
  constructor(
    private readonly kernels: Kernels,
    weights: readonly tf.Tensor[],
    frozen: readonly Uint8Array[],
  ) {
    if (frozen.length !== weights.length) throw new Error(`${frozen.length} frozen-element lists for ${weights.length} masked tensors`);
    this.params = weights.map((w) => adamSlots(kernels, Float32Array.from(kernels.read(w)), w.shape));
    this.trainable = weights.map((w, j) =>
      kernels.fromHost(
        Float32Array.from(frozen[j], (f) => 1 - f),
        w.shape,
      ),
    );
  }

  /** The current values of tensor j (what its mask samples multiply). */
  value(j: number): tf.Tensor {
    return this.params[j].param.t;
  }

  zeros(): Slot[] {
    return this.params.map((s) => ({ t: this.kernels.zeros(s.param.t.shape) }));
  }

  /** grads[j] += dLoss/dW_eff ⊙ m, with m the mask sample of `probs` at `seed`. */
  accumulate(grads: Slot[], j: number, dEff: tf.Tensor, probs: tf.Tensor, seed: number): void {
    this.kernels.accumulateMask(grads[j], dEff, probs, seed);
  }

  /** Zeroes the frozen elements' gradients. */
  freeze(grads: Slot[]): void {
    grads.forEach((d, j) => {
      const kept = tf.mul(d.t, this.trainable[j]);
      d.t.dispose();
      d.t = kept;
    });
  }

  sumSquares(grads: Slot[]): number {
    return grads.reduce((a, g) => a + this.kernels.sumSquares(g.t, 0), 0);
  }

  adam(grads: Slot[], hyper: AdamHyper, scale: number): void {
    this.params.forEach((s, j) => this.kernels.adam(s, grads[j].t, hyper, 0, scale));
  }

  /** Host copies of the current values. */
  read(): Float32Array[] {
    return this.params.map((s) => readParam(this.kernels, s));
  }

  dispose(): void {
    disposeSlots(this.params);
    for (const t of this.trainable) t.dispose();
  }
}
