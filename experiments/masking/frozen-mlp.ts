// A pre-trained MLP, frozen, as a model that masks are trained on: all weight
// matrices are masked, the biases are not (docs/method.md §1.5). The transfer
// experiment (§4) masks the biases too: then the tensors are ordered W₁, b₁,
// W₂, b₂, … and a bias is an [out, 1] tensor, as in frozen-cnn.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { MaskableModel } from './maskable-model.ts';
import { layerShapes, mlpBackward, mlpForward, type DenseWeights, type MlpHostParams } from '../models/mlp.ts';
import { digitCrossEntropy } from '../train/digit-loss.ts';
import { targetSlice, uploadFeatureMajor, type Pass } from '../train/passes.ts';

export function uploadFrozen(kernels: Kernels, params: MlpHostParams, biases: 'fixed' | 'masked' = 'fixed'): MaskableModel<Pass> {
  const shapes = layerShapes(params.sizes);
  const inputSize = params.sizes[0];
  const W = shapes.map(([i, o], l) => kernels.fromHost(params.W[l], [i, o]));
  const b = shapes.map(([, o], l) => kernels.fromHost(params.b[l], [o, 1]));
  if (biases === 'masked') return maskedBiases(kernels, params.sizes, W, b);
  return {
    weights: W,
    size: (pass) => pass.n,
    // Mean cross-entropy per output digit over all passes of the batch.
    lossScale: (passes) => 1 / passes.reduce((a, p) => a + p.n * p.digits, 0),
    biasShapes: shapes.map(([, o]) => [o, 1]),
    chunkGradient(pass, start, count, samples, lossScale, withBias = false) {
      const layers: DenseWeights[] = samples.map((s, l) => ({ W: s.masked, WT: s.maskedT, b: b[l] }));
      const cache = mlpForward(uploadFeatureMajor(pass.x, inputSize, start, count), layers);
      const out = cache.inputs[cache.inputs.length - 1];
      const loss = digitCrossEntropy(kernels.read(out), out.shape[0], count, pass.rowOffset, pass.digits, targetSlice(pass, start, count), lossScale);
      const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, withBias);
      return { lossSum: loss.lossSum, dW: g.dW, ...(withBias ? { db: g.db } : {}) };
    },
    dispose() {
      for (const t of [...W, ...b]) t.dispose();
    },
  };
}

function maskedBiases(kernels: Kernels, sizes: number[], W: tf.Tensor[], b: tf.Tensor[]): MaskableModel<Pass> {
  const weights = W.flatMap((w, l) => [w, b[l]]);
  return {
    weights,
    size: (pass) => pass.n,
    lossScale: (passes) => 1 / passes.reduce((a, p) => a + p.n * p.digits, 0),
    chunkGradient(pass, start, count, samples, lossScale) {
      const layers: DenseWeights[] = W.map((_, l) => ({ W: samples[2 * l].masked, WT: samples[2 * l].maskedT, b: samples[2 * l + 1].masked }));
      const cache = mlpForward(uploadFeatureMajor(pass.x, sizes[0], start, count), layers);
      const out = cache.inputs[cache.inputs.length - 1];
      const loss = digitCrossEntropy(kernels.read(out), out.shape[0], count, pass.rowOffset, pass.digits, targetSlice(pass, start, count), lossScale);
      const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, true);
      return { lossSum: loss.lossSum, dW: g.dW.flatMap((dw, l) => [dw, g.db[l]]) };
    },
    dispose() {
      for (const t of weights) t.dispose();
    },
  };
}
