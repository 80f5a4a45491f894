// One stage of the method (paper-method §1): a fresh set of per-weight mask
// logits, initialised at `logitInit`, trained with Adam while the network's
// weights stay frozen. Each step:
//   - K hard Gumbel-sigmoid mask samples per masked tensor; the batch is cut into
//     K contiguous chunks and chunk k runs with sample k (batch of masks);
//   - each pass of the batch (double addition has two) draws its own samples;
//   - loss = task loss + α Σ logits, α = β / B (linear in the raw logits);
//   - gradient to the logits through the straight-through estimator;
//   - global-norm clipping over the logit gradients only (the "clean" choice of
//     quirk Q1: the official code also folds in accumulated weight gradients).
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { AdamSlots, Slot } from './kernels/types.ts';
import { mlpBackward, mlpForward, type DenseWeights } from '../models/mlp.ts';
import { mixKey } from '../runtime/rng.ts';
import { clipScale } from '../train/clip.ts';
import { digitCrossEntropy } from '../train/digit-loss.ts';
import { targetSlice, uploadFeatureMajor, type Pass } from '../train/passes.ts';

export interface MaskStageConfig {
  steps: number;
  batchSize: number;
  /** Mask samples per batch (K); the batch size must be divisible by it. */
  samples: number;
  lr: number;
  /** β of the paper; the per-logit penalty is α = β / batchSize. */
  beta: number;
  logitInit: number;
  gradClip: number;
}

/** The frozen network a mask is trained on: weights [in, out] and biases [out, 1], as tensors. */
export interface FrozenMlp {
  inputSize: number;
  W: tf.Tensor[];
  b: tf.Tensor[];
}

export interface MaskStageResult {
  /** Trained logits per layer, host copies, layout of W. */
  logits: Float32Array[];
  /** Mean task loss (per digit) over the last 100 steps. */
  finalLoss: number;
}

export function trainMaskStage(
  kernels: Kernels, net: FrozenMlp, cfg: MaskStageConfig, noiseSeed: number,
  sampleBatch: (n: number) => Pass[], tick: (step: number) => void,
): MaskStageResult {
  const K = cfg.samples;
  if (cfg.batchSize % K !== 0) throw new Error(`batch size ${cfg.batchSize} is not divisible by ${K} mask samples`);
  const chunk = cfg.batchSize / K;
  const alpha = cfg.beta / cfg.batchSize;
  const logits: AdamSlots[] = net.W.map((w) => ({
    param: { t: kernels.fromHost(new Float32Array(w.size).fill(cfg.logitInit), w.shape) },
    m: { t: kernels.zeros(w.shape) }, v: { t: kernels.zeros(w.shape) }, step: 0,
  }));
  const hyper = { lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const recentLoss: number[] = [];
  for (let step = 1; step <= cfg.steps; step++) {
    const passes = sampleBatch(cfg.batchSize);
    const totalDigits = passes.reduce((a, p) => a + p.n * p.digits, 0);
    let lossSum = 0;
    const acc: Slot[] = net.W.map((w) => ({ t: kernels.zeros(w.shape) }));
    tf.tidy(() => {
      const probs = logits.map((s) => kernels.sigmoid(s.param.t));
      passes.forEach((pass, p) => {
        for (let k = 0; k < K; k++) {
          tf.tidy(() => {
            const samples = net.W.map((w, l) => kernels.sampleMask(probs[l], w, mixKey(noiseSeed, step, p, l, k)));
            const layers: DenseWeights[] = samples.map((s, l) => ({ W: s.masked, WT: s.maskedT, b: net.b[l] }));
            const cache = mlpForward(uploadFeatureMajor(pass.x, net.inputSize, k * chunk, chunk), layers);
            const out = cache.inputs[cache.inputs.length - 1];
            const loss = digitCrossEntropy(kernels.read(out), out.shape[0], chunk, pass.rowOffset, pass.digits,
              targetSlice(pass, k * chunk, chunk), 1 / totalDigits);
            lossSum += loss.lossSum;
            const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, false);
            samples.forEach((s, l) => kernels.accumulateProduct(acc[l], g.dW[l], s.factor));
          });
        }
      });
      const scale = clipScale(acc.reduce((a, g) => a + kernels.sumSquares(g.t, alpha), 0), cfg.gradClip);
      logits.forEach((s, l) => kernels.adam(s, acc[l].t, hyper, alpha, scale));
    });
    for (const a of acc) a.t.dispose();
    recentLoss.push(lossSum / totalDigits);
    if (recentLoss.length > 100) recentLoss.shift();
    tick(step);
  }
  const result = logits.map((s) => Float32Array.from(kernels.read(s.param.t)));
  for (const s of logits) for (const t of [s.param.t, s.m.t, s.v.t]) t.dispose();
  return { logits: result, finalLoss: recentLoss.reduce((a, x) => a + x, 0) / recentLoss.length };
}
