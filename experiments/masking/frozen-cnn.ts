// A pre-trained CNN, frozen, as a model that masks are trained on: every
// convolution and the linear layer, weights and biases alike, are masked (the
// paper masks CIFAR biases, docs/method.md §1.5). The logit tensors are ordered
// W₁, b₁, W₂, b₂, …; a bias is a [out, 1] tensor.
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { MaskableModel } from './maskable-model.ts';
import { cnnBackward, cnnForward, cnnShapes, type CnnHostParams } from '../models/cnn.ts';
import type { DenseWeights } from '../models/mlp.ts';
import { digitCrossEntropy } from '../train/digit-loss.ts';

/** A batch of images: pixels per image channel-major (C × side × side, normalised), and labels. */
export interface ImageBatch {
  x: Float32Array;
  labels: Uint8Array;
  n: number;
}

/** Examples [start, start + count) as the CNN's feature-major input [C, count·side·side]. */
export function uploadImages(b: ImageBatch, channels: number, side: number, start: number, count: number): tf.Tensor {
  const plane = side * side;
  const out = new Float32Array(channels * count * plane);
  for (let e = 0; e < count; e++) {
    const src = (start + e) * channels * plane;
    for (let c = 0; c < channels; c++) out.set(b.x.subarray(src + c * plane, src + (c + 1) * plane), (c * count + e) * plane);
  }
  return tf.tensor(out, [channels, count * plane], 'float32');
}

export function uploadFrozenCnn(kernels: Kernels, p: CnnHostParams): MaskableModel<ImageBatch> {
  const s = p.sizes;
  const weights = cnnShapes(s).flatMap(([i, o], l) => [kernels.fromHost(p.W[l], [i, o]), kernels.fromHost(p.b[l], [o, 1])]);
  return {
    weights,
    size: (b) => b.n,
    // Mean cross-entropy over the batch.
    lossScale: (parts) => 1 / parts.reduce((a, b) => a + b.n, 0),
    chunkGradient(batch, start, count, samples, lossScale) {
      const layers: DenseWeights[] = cnnShapes(s).map((_, l) => ({ W: samples[2 * l].masked, WT: samples[2 * l].maskedT, b: samples[2 * l + 1].masked }));
      const cache = cnnForward(uploadImages(batch, s.channels[0], s.side, start, count), count, s, layers);
      const loss = digitCrossEntropy(kernels.read(cache.logits), s.classes, count, 0, 1, batch.labels.subarray(start, start + count), lossScale);
      const g = cnnBackward(cache, tf.tensor(loss.gradT, [s.classes, count], 'float32'), layers);
      return { lossSum: loss.lossSum, dW: g.dW.flatMap((dw, l) => [dw, g.db[l]]) };
    },
    dispose() {
      for (const t of weights) t.dispose();
    },
  };
}
