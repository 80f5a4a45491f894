// A pre-trained MLP, frozen, as a model that masks are trained on: all weight
// matrices are masked, the biases are not (docs/method.md §1.5).
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { MaskableModel } from './maskable-model.ts';
import { layerShapes, mlpBackward, mlpForward, type DenseWeights, type MlpHostParams } from '../models/mlp.ts';
import { digitCrossEntropy } from '../train/digit-loss.ts';
import { targetSlice, uploadFeatureMajor, type Pass } from '../train/passes.ts';

export function uploadFrozen(kernels: Kernels, params: MlpHostParams): MaskableModel<Pass> {
  const shapes = layerShapes(params.sizes);
  const inputSize = params.sizes[0];
  const W = shapes.map(([i, o], l) => kernels.fromHost(params.W[l], [i, o]));
  const b = shapes.map(([, o], l) => kernels.fromHost(params.b[l], [o, 1]));
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
      const loss = digitCrossEntropy(kernels.read(out), out.shape[0], count, pass.rowOffset, pass.digits,
        targetSlice(pass, start, count), lossScale);
      const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, withBias);
      return { lossSum: loss.lossSum, dW: g.dW, ...(withBias ? { db: g.db } : {}) };
    },
    dispose() {
      for (const t of [...W, ...b]) t.dispose();
    },
  };
}
