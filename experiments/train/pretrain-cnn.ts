// Pre-training of the CIFAR-10 CNN (docs/method.md §7.3): Adam (PyTorch
// defaults) on every weight and bias, global-norm clipping, mean cross-entropy
// over the batch. Nothing here is masked; there is no dropout (see cnn.ts).
import { adamHyper, adamSlots, disposeSlots, readParam } from './adam-slots.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from '../masking/kernels/index.ts';
import { uploadImages, type ImageBatch } from '../masking/frozen-cnn.ts';
import { cnnBackward, cnnForward, cnnShapes, type CnnHostParams } from '../models/cnn.ts';
import type { DenseWeights } from '../models/mlp.ts';
import { clipScale } from './clip.ts';
import { checkGradientSumOfSquares, checkLoss } from './finite.ts';
import { digitCrossEntropy } from './digit-loss.ts';
import type { PretrainConfig } from './pretrain-mlp.ts';
import { TrailingMean } from './trailing-mean.ts';

export function pretrainCnn(
  kernels: Kernels,
  init: CnnHostParams,
  cfg: PretrainConfig,
  sampleBatch: (n: number) => ImageBatch,
  tick: (step: number) => void,
): { params: CnnHostParams; finalLoss: number } {
  const s = init.sizes;
  const shapes = cnnShapes(s);
  const W = shapes.map(([i, o], l) => adamSlots(kernels, init.W[l], [i, o]));
  const b = shapes.map(([, o], l) => adamSlots(kernels, init.b[l], [o, 1]));
  const recentLoss = new TrailingMean();
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      const batch = sampleBatch(cfg.batchSize);
      const hyper = adamHyper(cfg, step);
      let lossSum = 0;
      tf.tidy(() => {
        const layers: DenseWeights[] = shapes.map((_, l) => ({ W: W[l].param.t, WT: kernels.transpose(W[l].param.t), b: b[l].param.t }));
        const cache = cnnForward(uploadImages(batch, s.channels[0], s.side, 0, batch.n), batch.n, s, layers);
        const loss = digitCrossEntropy(kernels.read(cache.logits), s.classes, batch.n, 0, 1, batch.labels, 1 / batch.n);
        lossSum = loss.lossSum;
        // Every step: the loss and the clipping's sum of squares, both already on the host (finite.ts).
        checkLoss(lossSum / batch.n, step, cfg.steps);
        const g = cnnBackward(cache, tf.tensor(loss.gradT, [s.classes, batch.n], 'float32'), layers);
        const sumOfSquares = [...g.dW, ...g.db].reduce((a, t) => a + kernels.sumSquares(t, 0), 0);
        checkGradientSumOfSquares(sumOfSquares, step, cfg.steps);
        const scale = clipScale(sumOfSquares, cfg.gradClip);
        shapes.forEach((_, l) => {
          kernels.adam(W[l], g.dW[l], hyper, 0, scale);
          kernels.adam(b[l], g.db[l], hyper, 0, scale);
        });
      });
      recentLoss.push(lossSum / batch.n);
      tick(step);
    }
    const params: CnnHostParams = {
      sizes: s,
      W: W.map((t) => readParam(kernels, t)),
      b: b.map((t) => readParam(kernels, t)),
    };
    return { params, finalLoss: recentLoss.mean };
  } finally {
    disposeSlots([...W, ...b]);
  }
}
