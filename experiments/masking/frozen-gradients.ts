// Quirk Q1 of the official code (docs/method.md §9), reproduced on request
// (`clip: 'faithful'`): during mask training the frozen weights still require
// gradients and nobody zeroes them, so their .grad keeps the last pre-training
// step's (clipped) gradient and accumulates every mask step's on top, across all
// stages; clip_grad_norm_ then runs over weights, biases and masks together and
// rescales all of them in place. The mask gradients are thus divided by a norm
// they do not control. This holds those accumulated gradients: one per weight
// matrix (with respect to the raw weight W, i.e. dLoss/dW_eff ⊙ m) and one per
// bias, carried from stage to stage of one network.
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { Slot } from './kernels/types.ts';

export interface HostGradients {
  W: Float32Array[];
  b: Float32Array[];
}

export class FrozenGradients {
  readonly W: Slot[];
  readonly b: Slot[];

  constructor(
    private readonly kernels: Kernels,
    init: HostGradients,
    shapes: { W: number[][]; b: number[][] },
  ) {
    this.W = init.W.map((g, l) => ({ t: kernels.fromHost(g, shapes.W[l]) }));
    this.b = init.b.map((g, l) => ({ t: kernels.fromHost(g, shapes.b[l]) }));
  }

  /** Adds one step's gradients (weights already multiplied by their mask sample). */
  add(dW: tf.Tensor[], db: tf.Tensor[]): void {
    const grow = (slot: Slot, g: tf.Tensor) => {
      const next = tf.keep(tf.add(slot.t, g));
      slot.t.dispose();
      slot.t = next;
    };
    dW.forEach((g, l) => grow(this.W[l], g));
    db.forEach((g, l) => grow(this.b[l], g));
  }

  sumSquares(): number {
    return [...this.W, ...this.b].reduce((a, s) => a + this.kernels.sumSquares(s.t, 0), 0);
  }

  /** In place, as clip_grad_norm_ does to every parameter's .grad. */
  scale(factor: number): void {
    if (factor === 1) return;
    for (const s of [...this.W, ...this.b]) {
      // Kept: the trainer calls this inside tf.tidy.
      const next = tf.keep(tf.mul(s.t, factor));
      s.t.dispose();
      s.t = next;
    }
  }

  host(): HostGradients {
    return { W: this.W.map((s) => Float32Array.from(this.kernels.read(s.t))), b: this.b.map((s) => Float32Array.from(this.kernels.read(s.t))) };
  }

  dispose(): void {
    for (const s of [...this.W, ...this.b]) s.t.dispose();
  }
}
