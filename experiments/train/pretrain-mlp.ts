// Pre-training of the MLP on the full task: Adam (PyTorch defaults) on weights
// and biases, global-norm clipping, batches sampled with replacement. Nothing
// here is masked.
import { adamHyper, adamSlots, disposeSlots, readParam } from './adam-slots.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from '../masking/kernels/index.ts';
import { mlpBackward, mlpForward, type DenseWeights, type MlpHostParams, layerShapes } from '../models/mlp.ts';
import { clipScale } from './clip.ts';
import { checkGradientSumOfSquares, checkLoss } from './finite.ts';
import { TrailingMean } from './trailing-mean.ts';
import type { HostGradients } from '../masking/frozen-gradients.ts';
import { digitCrossEntropy } from './digit-loss.ts';
import { targetSlice, uploadFeatureMajor, type Pass } from './passes.ts';

export interface PretrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  gradClip: number;
  /** Linear decay of the learning rate to `lr * finalLrFactor` over the run (1 = constant, as in the paper). */
  finalLrFactor: number;
}

export interface PretrainResult {
  params: MlpHostParams;
  /** Mean loss over the last 100 steps. */
  finalLoss: number;
  /** The last step's gradients as clipping left them (what PyTorch's .grad holds afterwards; quirk Q1). */
  lastGrad: HostGradients;
}

export function pretrainMlp(
  kernels: Kernels,
  init: MlpHostParams,
  cfg: PretrainConfig,
  sampleBatch: (n: number) => Pass[],
  tick: (step: number) => void,
): PretrainResult {
  const shapes = layerShapes(init.sizes);
  const W = shapes.map(([i, o], l) => adamSlots(kernels, init.W[l], [i, o]));
  const b = shapes.map(([, o], l) => adamSlots(kernels, init.b[l], [o, 1]));
  const recentLoss = new TrailingMean();
  let lastGrad: HostGradients = { W: [], b: [] };
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      const passes = sampleBatch(cfg.batchSize);
      const totalDigits = passes.reduce((a, p) => a + p.n * p.digits, 0);
      const hyper = adamHyper(cfg, step);
      let lossSum = 0;
      tf.tidy(() => {
        const layers: DenseWeights[] = shapes.map((_, l) => ({ W: W[l].param.t, WT: kernels.transpose(W[l].param.t), b: b[l].param.t }));
        let dW: tf.Tensor[] | null = null;
        let db: tf.Tensor[] | null = null;
        for (const pass of passes) {
          const cache = mlpForward(uploadFeatureMajor(pass.x, init.sizes[0], 0, pass.n), layers);
          const out = cache.inputs[cache.inputs.length - 1];
          const loss = digitCrossEntropy(kernels.read(out), out.shape[0], pass.n, pass.rowOffset, pass.digits, targetSlice(pass, 0, pass.n), 1 / totalDigits);
          lossSum += loss.lossSum;
          const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, true);
          dW = dW ? dW.map((t, l) => tf.add(t, g.dW[l])) : g.dW;
          db = db ? db.map((t, l) => tf.add(t, g.db[l])) : g.db;
        }
        // Every step: the loss and the clipping's sum of squares, both already on the host (finite.ts).
        checkLoss(lossSum / totalDigits, step, cfg.steps);
        const grads = [...dW!, ...db!];
        const sumOfSquares = grads.reduce((a, g) => a + kernels.sumSquares(g, 0), 0);
        checkGradientSumOfSquares(sumOfSquares, step, cfg.steps);
        const scale = clipScale(sumOfSquares, cfg.gradClip);
        shapes.forEach((_, l) => {
          kernels.adam(W[l], dW![l], hyper, 0, scale);
          kernels.adam(b[l], db![l], hyper, 0, scale);
        });
        if (step === cfg.steps) {
          const host = (g: tf.Tensor) => Float32Array.from(kernels.read(g), (v) => v * scale);
          lastGrad = { W: dW!.map(host), b: db!.map(host) };
        }
      });
      recentLoss.push(lossSum / totalDigits);
      tick(step);
    }
    const params: MlpHostParams = {
      sizes: init.sizes,
      W: W.map((s) => readParam(kernels, s)),
      b: b.map((s) => readParam(kernels, s)),
    };
    return { params, finalLoss: recentLoss.mean, lastGrad };
  } finally {
    disposeSlots([...W, ...b]);
  }
}
