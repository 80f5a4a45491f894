// One stage of the method (docs/method.md §1): a fresh set of per-weight mask
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
import type { AdamSlots, MaskSample, Slot } from './kernels/types.ts';
import type { MaskableModel } from './maskable-model.ts';
import { mixKey } from '../runtime/rng.ts';
import { clipScale } from '../train/clip.ts';
import { checkGradientSumOfSquares, checkLoss } from '../train/finite.ts';
import { TrailingMean } from '../train/trailing-mean.ts';
import { adamSlots, disposeSlots, readParam } from '../train/adam-slots.ts';
import type { FrozenGradients } from './frozen-gradients.ts';
import { FixedLogits, type FixedLogitList } from './fixed-logits.ts';
import { TrainedValues } from './trained-values.ts';

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
  /**
   * Absent: clip over the mask logits' gradients only ("clean"). 'faithful':
   * as the official code (quirk Q1), over them and the frozen weights'
   * accumulated gradients, which the clipping rescales in place.
   */
  clip?: 'faithful';
}

export interface MaskStageResult {
  /** Trained logits per layer, host copies, layout of W. */
  logits: Float32Array[];
  /** Mean task loss (as the model scales it) over the last 100 steps. */
  finalLoss: number;
}

/** The noise seed of mask sample k of layer l in pass p at step t. */
export function sampleSeed(noiseSeed: number, step: number, pass: number, layer: number, k: number): number {
  return mixKey(noiseSeed, step, pass, layer, k);
}

/**
 * What a stage may add to the plain method. `weightGradients`: faithful
 * clipping's accumulated weight gradients (quirk Q1, with cfg.clip 'faithful').
 * `fixedLogits`: tensors whose masks are sampled from fixed logits and never
 * trained (fixed-logits.ts). `trainValues`: the tensors' values trained too,
 * except the frozen elements (trained-values.ts). `initialLogits`: per trained
 * tensor, in place of cfg.logitInit everywhere.
 */
export interface MaskTrainerOptions {
  weightGradients?: FrozenGradients;
  fixedLogits?: { logits: FixedLogitList; noiseSeed: number };
  trainValues?: { frozen: readonly Uint8Array[] };
  initialLogits?: readonly Float32Array[];
}

export class MaskTrainer<Part> {
  private readonly logits: AdamSlots[];
  private readonly hyper;
  private readonly alpha: number;
  /** Indices of the tensors whose logits are trained (all but the fixed ones), in the order of the trained logits. */
  private readonly trained: number[];
  private readonly fixed?: FixedLogits;
  private readonly values?: TrainedValues;
  private readonly frozen?: FrozenGradients;
  private stepCount = 0;
  /** The clipping factor of the last step (1: not clipped); the faithful mode's uncontrolled decay shows here. */
  lastClipScale = 1;

  constructor(
    private readonly kernels: Kernels,
    private readonly model: MaskableModel<Part>,
    private readonly cfg: MaskStageConfig,
    private readonly noiseSeed: number,
    options: MaskTrainerOptions = {},
  ) {
    const frozen = options.weightGradients;
    if (cfg.batchSize % cfg.samples !== 0) throw new Error(`batch size ${cfg.batchSize} is not divisible by ${cfg.samples} mask samples`);
    if ((cfg.clip === 'faithful') !== (frozen !== undefined))
      throw new Error(`clip ${cfg.clip ?? 'clean'} needs ${frozen ? 'no' : 'the'} frozen weights' gradients`);
    const extras = [frozen && 'faithful clipping', options.fixedLogits && 'fixed logits', options.trainValues && 'trained values'].filter(Boolean);
    if (extras.length > 1) throw new Error(`${extras.join(' and ')} do not go together in one stage`);
    this.frozen = frozen;
    this.alpha = cfg.beta / cfg.batchSize;
    this.hyper = { lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const weights = model.weights;
    if (options.fixedLogits) this.fixed = new FixedLogits(kernels, weights, options.fixedLogits.logits, options.fixedLogits.noiseSeed);
    this.trained = this.fixed?.trained ?? weights.map((_, j) => j);
    const init = options.initialLogits;
    if (init && init.length !== this.trained.length) throw new Error(`${init.length} initial logit tensors for ${this.trained.length} trained tensors`);
    this.logits = this.trained.map((j, t) =>
      adamSlots(kernels, init ? Float32Array.from(init[t]) : new Float32Array(weights[j].size).fill(cfg.logitInit), weights[j].shape),
    );
    if (options.trainValues) this.values = new TrainedValues(kernels, weights, options.trainValues.frozen);
  }

  /**
   * dTaskLoss/dLogits of the trained logits for one batch at step `step`
   * (without the penalty), as new tensors, and the unscaled task loss sum. Each
   * part draws its own K samples per tensor; chunk k of a part runs with sample
   * k. With trained values also dTaskLoss/dValues (frozen elements zeroed).
   * Exposed for the tests that check the batch-of-masks path against K single
   * passes.
   */
  taskGradient(parts: Part[], step: number): { grads: Slot[]; lossSum: number; weightGrads?: { dW: tf.Tensor[]; db: tf.Tensor[] }; valueGrads?: Slot[] } {
    const K = this.cfg.samples;
    const scale = this.model.lossScale(parts);
    const weights = this.model.weights;
    const trained = this.trained;
    const values = this.values;
    const grads: Slot[] = trained.map((j) => ({ t: this.kernels.zeros(weights[j].shape) }));
    const valueGrads = values?.zeros();
    // Faithful clipping (quirk Q1) also needs this step's gradient with respect to the raw weights and the biases.
    const faithful = this.frozen !== undefined;
    const weightGrads = faithful ? { dW: weights.map((w) => tf.zeros(w.shape)), db: this.model.biasShapes!.map((s) => tf.zeros(s)) } : undefined;
    const grow = (list: tf.Tensor[], l: number, g: tf.Tensor) => {
      const next = tf.keep(tf.add(list[l], g));
      list[l].dispose();
      list[l] = next;
    };
    let lossSum = 0;
    tf.tidy(() => {
      const probs = this.logits.map((s) => this.kernels.sigmoid(s.param.t));
      parts.forEach((part, p) => {
        const n = this.model.size(part);
        if (n % K !== 0) throw new Error(`a part of ${n} examples is not divisible by ${K} mask samples`);
        const chunk = n / K;
        for (let k = 0; k < K; k++) {
          tf.tidy(() => {
            // A trained tensor's noise is named by its place t among the trained ones.
            const seeds = trained.map((_, t) => sampleSeed(this.noiseSeed, step, p, t, k));
            const samples: MaskSample[] = new Array(weights.length);
            trained.forEach((j, t) => (samples[j] = this.kernels.sampleMask(probs[t], values?.value(j) ?? weights[j], seeds[t])));
            this.fixed?.sample(samples, ((step - 1) * parts.length + p) * K + k + 1);
            const g = this.model.chunkGradient(part, k * chunk, chunk, samples, scale, faithful);
            lossSum += g.lossSum;
            trained.forEach((j, t) => {
              this.kernels.accumulateProduct(grads[t], g.dW[j], samples[j].factor);
              if (values) values.accumulate(valueGrads!, j, g.dW[j], probs[t], seeds[t]);
            });
            if (weightGrads) {
              // dLoss/dW = dLoss/dW_eff ⊙ m; m is where W ⊙ m is non-zero (a trained weight is never exactly 0).
              samples.forEach((s, l) => grow(weightGrads.dW, l, tf.mul(g.dW[l], tf.cast(tf.notEqual(s.masked, 0), 'float32'))));
              g.db!.forEach((d, l) => grow(weightGrads.db, l, d));
            }
          });
        }
      });
    });
    if (values) values.freeze(valueGrads!);
    return { grads, lossSum, ...(weightGrads ? { weightGrads } : {}), ...(valueGrads ? { valueGrads } : {}) };
  }

  /**
   * One optimizer step; returns the task loss of the batch (lossSum · lossScale).
   * Every step checks the loss and the clipping's sum of squares, both already
   * on the host, before the update: a NaN or ±Infinity throws NonFiniteError
   * (step counted from 1, out of cfg.steps).
   */
  step(parts: Part[]): number {
    this.stepCount++;
    const { grads, lossSum, weightGrads, valueGrads } = this.taskGradient(parts, this.stepCount);
    try {
      const loss = lossSum * this.model.lossScale(parts);
      checkLoss(loss, this.stepCount, this.cfg.steps);
      if (weightGrads) this.frozen!.add(weightGrads.dW, weightGrads.db);
      tf.tidy(() => {
        const maskSquares = grads.reduce((a, g) => a + this.kernels.sumSquares(g.t, this.alpha), 0);
        const sumOfSquares = maskSquares + (this.frozen ? this.frozen.sumSquares() : 0) + (valueGrads ? this.values!.sumSquares(valueGrads) : 0);
        checkGradientSumOfSquares(sumOfSquares, this.stepCount, this.cfg.steps);
        const scale = clipScale(sumOfSquares, this.cfg.gradClip);
        this.lastClipScale = scale;
        this.frozen?.scale(scale);
        if (valueGrads) this.values!.adam(valueGrads, this.hyper, scale);
        this.logits.forEach((s, l) => this.kernels.adam(s, grads[l].t, this.hyper, this.alpha, scale));
      });
      return loss;
    } finally {
      for (const g of [...grads, ...(valueGrads ?? [])]) g.t.dispose();
      if (weightGrads) tf.dispose([...weightGrads.dW, ...weightGrads.db]);
    }
  }

  /** Everything the next steps depend on, as host copies (a checkpoint; faithful clipping's accumulated gradients are not in it). */
  state(): TrainerState {
    if (this.values) throw new Error('a stage that trains the values too keeps no checkpoint (its values and their moments are not in it)');
    const read = (t: Slot['t']) => Float32Array.from(this.kernels.read(t));
    return {
      stepCount: this.stepCount,
      logits: this.logits.map((s) => read(s.param.t)),
      m: this.logits.map((s) => read(s.m.t)),
      v: this.logits.map((s) => read(s.v.t)),
      adamSteps: this.logits.map((s) => s.step),
    };
  }

  /** Continues from `state` (taken by state() of a trainer of the same model and config). */
  restore(state: TrainerState): void {
    if (this.frozen) throw new Error('a stage with faithful clipping cannot resume from a checkpoint (its accumulated weight gradients are not kept)');
    this.logits.forEach((s, l) => {
      const shape = s.param.t.shape;
      for (const t of [s.param.t, s.m.t, s.v.t]) t.dispose();
      s.param.t = this.kernels.fromHost(state.logits[l], shape);
      s.m.t = this.kernels.fromHost(state.m[l], shape);
      s.v.t = this.kernels.fromHost(state.v[l], shape);
      s.step = state.adamSteps[l];
    });
    this.stepCount = state.stepCount;
  }

  /** Host copies of the current trained logits (the fixed ones are not among them). */
  currentLogits(): Float32Array[] {
    return this.logits.map((s) => readParam(this.kernels, s));
  }

  /** Host copies of the current values, where the trainer trains them. */
  currentValues(): Float32Array[] {
    if (!this.values) throw new Error('this trainer does not train the values');
    return this.values.read();
  }

  dispose(): void {
    disposeSlots(this.logits);
    this.fixed?.dispose();
    this.values?.dispose();
  }
}

export interface TrainerState {
  stepCount: number;
  logits: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  adamSteps: number[];
}

/** A stage's state after `step` steps: what a killed stage resumes from. */
export interface MaskStageCheckpoint {
  step: number;
  trainer: TrainerState;
  /** The trailing window of task losses (the stage's final loss). */
  losses: number[];
}

/**
 * Where a stage keeps its checkpoints. `due(step)`: whether to save one after
 * this step; `load`: the latest saved, or null to start at step 1. The data
 * stream's state is the caller's to keep (train-stages.ts), beside these.
 */
export interface StageResume {
  load(): MaskStageCheckpoint | null;
  due(step: number): boolean;
  save(checkpoint: MaskStageCheckpoint): void;
}

/** Called with host copies of the logits after the listed steps (0: before the first). */
export interface StageCheckpoints {
  steps: readonly number[];
  at(step: number, logits: Float32Array[]): void;
}

/** A stage's optional parts: curve measurements, the trainer's options, checkpoints to resume from. */
export interface StageExtras {
  checkpoints?: StageCheckpoints;
  trainer?: MaskTrainerOptions;
  resume?: StageResume;
}

export function trainMaskStage<Part>(
  kernels: Kernels,
  model: MaskableModel<Part>,
  cfg: MaskStageConfig,
  noiseSeed: number,
  sampleBatch: (n: number) => Part[],
  tick: (step: number) => void,
  { checkpoints, trainer: options, resume }: StageExtras = {},
): MaskStageResult {
  const trainer = new MaskTrainer(kernels, model, cfg, noiseSeed, options);
  const recentLoss = new TrailingMean();
  const measured = new Set(checkpoints?.steps ?? []);
  try {
    const saved = resume?.load() ?? null;
    if (saved) {
      trainer.restore(saved.trainer);
      recentLoss.restore(saved.losses);
    } else if (measured.has(0)) checkpoints!.at(0, trainer.currentLogits());
    for (let step = (saved?.step ?? 0) + 1; step <= cfg.steps; step++) {
      recentLoss.push(trainer.step(sampleBatch(cfg.batchSize)));
      if (measured.has(step)) checkpoints!.at(step, trainer.currentLogits());
      tick(step);
      if (resume && step < cfg.steps && resume.due(step)) resume.save({ step, trainer: trainer.state(), losses: recentLoss.snapshot() });
    }
    return { logits: trainer.currentLogits(), finalLoss: recentLoss.mean };
  } finally {
    trainer.dispose();
  }
}
