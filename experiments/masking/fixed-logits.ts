// Mask tensors whose logits are fixed, not trained: the CIFAR-10 class-removal
// stages copy the control mask's output-layer logits and keep them (docs/method.md
// §7.3, `keep_last_layer`), so that removal can only happen in the convolutions
// instead of by cutting the class's output row.
//
// Every chunk of every step still draws a fresh hard Gumbel-sigmoid sample from
// the fixed logits, as the official code does; their gradients are dropped and
// the penalty covers the trained logits only (the official code also sums the
// fixed ones, a constant that changes no gradient: quirk Q7).
import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { MaskSample } from './kernels/types.ts';
import { labelKey, mixKey } from '../runtime/rng.ts';

/** Per masked tensor: its fixed logits, or null where the stage trains them. */
export type FixedLogitList = readonly (Float32Array | null)[];

/** The full list of logits: the trained ones (in order) with the fixed ones filled in. */
export function withFixedLogits(fixed: FixedLogitList, trained: Float32Array[]): Float32Array[] {
  let next = 0;
  const full = fixed.map((f) => (f ? Float32Array.from(f) : trained[next++]));
  if (next !== trained.length) throw new Error(`${trained.length} trained logit tensors for ${next} trained places`);
  return full;
}

export class FixedLogits {
  /** Indices of the tensors whose logits are trained. */
  readonly trained: number[];
  private readonly probs: (tf.Tensor | null)[];
  private readonly base: number;

  constructor(
    private readonly kernels: Kernels,
    private readonly weights: readonly tf.Tensor[],
    fixed: FixedLogitList,
    noiseSeed: number,
  ) {
    if (fixed.length !== weights.length) throw new Error(`${fixed.length} fixed-logit entries for ${weights.length} masked tensors`);
    this.trained = fixed.flatMap((f, j) => (f ? [] : [j]));
    this.probs = fixed.map((f, j) => {
      if (!f) return null;
      const logits = kernels.fromHost(f, weights[j].shape);
      const p = kernels.sigmoid(logits);
      logits.dispose();
      return p;
    });
    this.base = mixKey(labelKey('frozen-logits'), noiseSeed);
  }

  /**
   * Fills in the samples of the fixed tensors for the chunk numbered `chunk`
   * (from 1, counted over the stage's steps, parts and mask samples). The noise
   * depends on that number only, so a stage resumed from a checkpoint draws
   * what an unbroken one does.
   */
  sample(samples: MaskSample[], chunk: number): void {
    this.probs.forEach((p, j) => {
      if (p) samples[j] = this.kernels.sampleMask(p, this.weights[j], mixKey(this.base, chunk, j));
    });
  }

  dispose(): void {
    for (const p of this.probs) p?.dispose();
  }
}
