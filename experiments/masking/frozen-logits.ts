// Mask tensors whose logits are fixed, not trained: the CIFAR-10 class-removal
// stages copy the control mask's output-layer logits and freeze them
// (docs/method.md §7.3, `keep_last_layer`), so that removal can only happen in
// the convolutions instead of by cutting the class's output row.
//
// A wrapper around a MaskableModel: the trainer sees only the trainable
// tensors; for each chunk the wrapper draws the frozen tensors' samples itself
// (the same hard Gumbel-sigmoid, from the fixed logits, as the official code
// does) and drops their gradients. The penalty then covers the trainable
// logits only; the official code also sums the frozen ones, a constant that
// changes no gradient (quirk Q7).
import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { MaskSample } from './kernels/types.ts';
import type { MaskableModel } from './maskable-model.ts';
import { labelKey, mixKey } from '../runtime/rng.ts';

export interface FrozenMaskModel<Part> extends MaskableModel<Part> {
  /** Trainable logits (in the trainer's order) back in the full tensor order, frozen ones filled in. */
  fullLogits(trainable: Float32Array[]): Float32Array[];
}

/**
 * `frozen[j]` holds tensor j's fixed logits, or null when tensor j is trained.
 * The noise of the frozen samples comes from `noiseSeed` and a call counter, so
 * a stage is deterministic. dispose() frees the wrapper's own tensors only; the
 * inner model stays the caller's.
 */
export function withFrozenLogits<Part>(kernels: Kernels, inner: MaskableModel<Part>, frozen: (Float32Array | null)[], noiseSeed: number): FrozenMaskModel<Part> {
  if (frozen.length !== inner.weights.length) throw new Error(`${frozen.length} frozen-logit entries for ${inner.weights.length} masked tensors`);
  const probs = frozen.map((f, j) => {
    if (!f) return null;
    const logits = kernels.fromHost(f, inner.weights[j].shape);
    const p = kernels.sigmoid(logits);
    logits.dispose();
    return p;
  });
  const trainable = frozen.flatMap((f, j) => (f ? [] : [j]));
  const base = mixKey(labelKey('frozen-logits'), noiseSeed);
  let calls = 0;
  return {
    weights: trainable.map((j) => inner.weights[j]),
    size: (part) => inner.size(part),
    lossScale: (parts) => inner.lossScale(parts),
    chunkGradient(part, start, count, samples, lossScale) {
      calls++;
      let next = 0;
      const all: MaskSample[] = inner.weights.map((w, j) => (probs[j] ? kernels.sampleMask(probs[j]!, w, mixKey(base, calls, j)) : samples[next++]));
      const g = inner.chunkGradient(part, start, count, all, lossScale);
      const dW: tf.Tensor[] = [];
      g.dW.forEach((d, j) => (probs[j] ? d.dispose() : dW.push(d)));
      return { lossSum: g.lossSum, dW };
    },
    fullLogits(trained) {
      let next = 0;
      return frozen.map((f) => (f ? Float32Array.from(f) : trained[next++]));
    },
    dispose() {
      for (const p of probs) p?.dispose();
    },
  };
}
