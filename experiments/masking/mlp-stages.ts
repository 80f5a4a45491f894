// The two phases every MLP experiment runs for one seed: pre-train the network,
// then train one fresh mask per stage on the frozen weights (train-stages.ts).
import { initMlp, type MlpHostParams } from '../models/mlp.ts';
import { Rng } from '../runtime/rng.ts';
import { memoStage } from '../runtime/stage-memo.ts';
import type { StageTimer } from '../runtime/stage-timer.ts';
import type { JobContext } from '../tasks/experiment.ts';
import { pretrainMlp, type PretrainConfig } from '../train/pretrain-mlp.ts';
import type { Pass } from '../train/passes.ts';
import { uploadFrozen } from './frozen-mlp.ts';
import type { CurveRecorder } from './curve-recorder.ts';
import { FrozenGradients, type HostGradients } from './frozen-gradients.ts';
import type { MaskStageConfig } from './train-mask-stage.ts';
import { trainMaskStages, type MaskStageSpec } from './train-stages.ts';

export type BatchSampler = (rng: Rng, n: number) => Pass[];

export interface PretrainOutcome {
  params: MlpHostParams;
  finalLoss: number;
  lastGrad: HostGradients;
}

export function pretrainForSeed(
  ctx: JobContext,
  timer: StageTimer,
  sizes: number[],
  cfg: PretrainConfig,
  seed: number,
  sample: BatchSampler,
  stage = 'pretrain',
): PretrainOutcome {
  const rng = new Rng(seed, 'pretrain-data');
  return memoStage(ctx, timer, stage, cfg.steps, () =>
    pretrainMlp(
      ctx.kernels,
      initMlp(sizes, new Rng(seed, 'init')),
      cfg,
      (n) => sample(rng, n),
      (step) => ctx.progress(stage, step, cfg.steps),
    ),
  );
}

/**
 * Trains each stage's mask on the frozen `params`; returns logits per stage id.
 * With `clip: 'faithful'`, `lastGrad` (the pre-training's last, clipped
 * gradient) starts the frozen weights' accumulated gradients (quirk Q1).
 */
export function trainStages(
  ctx: JobContext,
  timer: StageTimer,
  params: MlpHostParams,
  cfg: MaskStageConfig,
  seed: number,
  stages: MaskStageSpec<Pass>[],
  variant: string,
  curve?: CurveRecorder,
  lastGrad?: HostGradients,
): Map<string, Float32Array[]> {
  const net = uploadFrozen(ctx.kernels, params);
  let frozen: FrozenGradients | undefined;
  try {
    if (cfg.clip === 'faithful') {
      if (!lastGrad) throw new Error("clip faithful needs the pre-training's last gradient");
      frozen = new FrozenGradients(ctx.kernels, lastGrad, { W: net.weights.map((w) => w.shape), b: net.biasShapes! });
    }
    return trainMaskStages(ctx, timer, net, cfg, seed, stages, variant, curve, frozen);
  } finally {
    frozen?.dispose();
    net.dispose();
  }
}
