// Masks and weights trained together, with some elements frozen: the transfer
// experiment of docs/method.md §4 (permuted MNIST). For each task the network's
// weights *and* biases are masked; every element that an earlier task's mask
// used keeps its value (its gradient is zeroed, so Adam leaves it), everything
// else is trained along with all mask logits.
//
// The sample is the same hard Gumbel-sigmoid as in train-mask-stage.ts (K
// samples, chunk k of the batch runs with sample k). With W_eff = W ⊙ m:
//   dLoss/dLogit = dLoss/dW_eff ⊙ W ⊙ s(1 − s)   (straight-through)
//   dLoss/dW     = dLoss/dW_eff ⊙ m
// The kernels return W ⊙ m; sampling the same noise against a tensor of ones
// gives m itself, so the fused sampling kernels serve both.
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels/index.ts';
import type { AdamSlots, Slot } from './kernels/types.ts';
import { sampleSeed } from './train-mask-stage.ts';
import { layerShapes, mlpBackward, mlpForward, type DenseWeights } from '../models/mlp.ts';
import { clipScale } from '../train/clip.ts';
import { checkGradientSumOfSquares, checkLoss } from '../train/finite.ts';
import { digitCrossEntropy } from '../train/digit-loss.ts';
import { uploadFeatureMajor, targetSlice, type Pass } from '../train/passes.ts';

export interface JointStageConfig {
  steps: number;
  batchSize: number;
  /** Mask samples per batch (K). */
  samples: number;
  /** One Adam learning rate for weights and logits (the paper uses 1e-2 for both). */
  lr: number;
  /** α = β / batchSize per logit. */
  beta: number;
  gradClip: number;
}

/**
 * Host state of the masked tensors in order W₁, b₁, W₂, b₂, …: values (weights
 * [in, out], biases [out]), initial logits, and which elements are frozen.
 */
export interface JointTensors {
  values: Float32Array[];
  logits: Float32Array[];
  frozen: Uint8Array[];
}

export class JointMaskTrainer {
  private readonly params: AdamSlots[];
  private readonly logits: AdamSlots[];
  private readonly trainable: tf.Tensor[];
  private readonly ones: tf.Tensor[];
  private readonly shapes: [number, number][];
  private readonly alpha: number;
  private stepCount = 0;

  constructor(private readonly kernels: Kernels, private readonly sizes: number[], init: JointTensors,
    private readonly cfg: JointStageConfig, private readonly noiseSeed: number) {
    if (cfg.batchSize % cfg.samples !== 0) throw new Error(`batch size ${cfg.batchSize} is not divisible by ${cfg.samples} mask samples`);
    this.shapes = layerShapes(sizes).flatMap(([i, o]): [number, number][] => [[i, o], [o, 1]]);
    this.alpha = cfg.beta / cfg.batchSize;
    const slots = (values: Float32Array, shape: number[]): AdamSlots => ({
      param: { t: kernels.fromHost(values, shape) }, m: { t: kernels.zeros(shape) }, v: { t: kernels.zeros(shape) }, step: 0,
    });
    this.params = this.shapes.map((s, j) => slots(init.values[j], s));
    this.logits = this.shapes.map((s, j) => slots(init.logits[j], s));
    this.trainable = this.shapes.map((s, j) => kernels.fromHost(Float32Array.from(init.frozen[j], (f) => 1 - f), s));
    this.ones = this.shapes.map((s) => kernels.fromHost(new Float32Array(s[0] * s[1]).fill(1), s));
  }

  /** Gradients of the task loss (no penalty) for weights (frozen ones zeroed) and logits, and the loss sum. */
  taskGradient(pass: Pass, step: number): { dParams: Slot[]; dLogits: Slot[]; lossSum: number } {
    const K = this.cfg.samples;
    const chunk = pass.n / K;
    const dParams: Slot[] = this.shapes.map((s) => ({ t: this.kernels.zeros(s) }));
    const dLogits: Slot[] = this.shapes.map((s) => ({ t: this.kernels.zeros(s) }));
    let lossSum = 0;
    tf.tidy(() => {
      const probs = this.logits.map((s) => this.kernels.sigmoid(s.param.t));
      for (let k = 0; k < K; k++) {
        tf.tidy(() => {
          const seeds = this.shapes.map((_, j) => sampleSeed(this.noiseSeed, step, 0, j, k));
          const eff = this.params.map((p, j) => this.kernels.sampleMask(probs[j], p.param.t, seeds[j]));
          const masks = this.ones.map((one, j) => this.kernels.sampleMask(probs[j], one, seeds[j]).masked);
          const layers: DenseWeights[] = layerShapes(this.sizes).map((_, l) => ({ W: eff[2 * l].masked, WT: eff[2 * l].maskedT, b: eff[2 * l + 1].masked }));
          const cache = mlpForward(uploadFeatureMajor(pass.x, this.sizes[0], k * chunk, chunk), layers);
          const out = cache.inputs[cache.inputs.length - 1];
          const loss = digitCrossEntropy(this.kernels.read(out), out.shape[0], chunk, pass.rowOffset, pass.digits, targetSlice(pass, k * chunk, chunk), 1 / pass.n);
          lossSum += loss.lossSum;
          const g = mlpBackward(cache, tf.tensor(loss.gradT, out.shape, 'float32'), layers, true);
          const dEff = g.dW.flatMap((dw, l) => [dw, g.db[l]]);
          dEff.forEach((d, j) => {
            this.kernels.accumulateProduct(dLogits[j], d, eff[j].factor);
            this.kernels.accumulateProduct(dParams[j], d, masks[j]);
          });
        });
      }
    });
    // Elements used by earlier tasks stay as they are.
    dParams.forEach((d, j) => {
      const frozenOut = tf.mul(d.t, this.trainable[j]);
      d.t.dispose();
      d.t = frozenOut;
    });
    return { dParams, dLogits, lossSum };
  }

  /**
   * One Adam step on weights and logits; returns the mean cross-entropy of the
   * batch. Every step checks the loss and the clipping's sum of squares (both
   * already on the host) before the update: NaN or ±Infinity throws NonFiniteError.
   */
  step(pass: Pass): number {
    this.stepCount++;
    const { dParams, dLogits, lossSum } = this.taskGradient(pass, this.stepCount);
    const hyper = { lr: this.cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    try {
      const loss = lossSum / pass.n;
      checkLoss(loss, this.stepCount, this.cfg.steps);
      tf.tidy(() => {
        const sq = dParams.reduce((a, g) => a + this.kernels.sumSquares(g.t, 0), 0) + dLogits.reduce((a, g) => a + this.kernels.sumSquares(g.t, this.alpha), 0);
        checkGradientSumOfSquares(sq, this.stepCount, this.cfg.steps);
        const scale = clipScale(sq, this.cfg.gradClip);
        this.params.forEach((s, j) => this.kernels.adam(s, dParams[j].t, hyper, 0, scale));
        this.logits.forEach((s, j) => this.kernels.adam(s, dLogits[j].t, hyper, this.alpha, scale));
      });
      return loss;
    } finally {
      for (const g of [...dParams, ...dLogits]) g.t.dispose();
    }
  }

  /** Host copies of the current values and logits, in the order W₁, b₁, W₂, …. */
  current(): { values: Float32Array[]; logits: Float32Array[] } {
    return {
      values: this.params.map((s) => Float32Array.from(this.kernels.read(s.param.t))),
      logits: this.logits.map((s) => Float32Array.from(this.kernels.read(s.param.t))),
    };
  }

  dispose(): void {
    for (const s of [...this.params, ...this.logits]) for (const t of [s.param.t, s.m.t, s.v.t]) t.dispose();
    for (const t of [...this.trainable, ...this.ones]) t.dispose();
  }
}
