// The two phases every MLP experiment runs for one seed: pre-train the network,
// then train one fresh mask per stage on the frozen weights. Each stage draws
// its data and noise from its own named stream, so stages are independent of
// their order.
import { initMlp, type MlpHostParams } from '../models/mlp.ts';
import { labelKey, mixKey, Rng } from '../runtime/rng.ts';
import type { StageTimer } from '../runtime/stage-timer.ts';
import type { JobContext } from '../tasks/experiment.ts';
import { pretrainMlp, type PretrainConfig } from '../train/pretrain-mlp.ts';
import type { Pass } from '../train/passes.ts';
import { disposeFrozen, uploadFrozen } from './frozen-mlp.ts';
import { trainMaskStage, type MaskStageConfig } from './train-mask-stage.ts';

export type BatchSampler = (rng: Rng, n: number) => Pass[];

export interface PretrainOutcome {
  params: MlpHostParams;
  finalLoss: number;
}

export function pretrainForSeed(
  ctx: JobContext, timer: StageTimer, sizes: number[], cfg: PretrainConfig, seed: number, sample: BatchSampler,
): PretrainOutcome {
  const rng = new Rng(seed, 'pretrain-data');
  return timer.run('pretrain', cfg.steps, () =>
    pretrainMlp(ctx.kernels, initMlp(sizes, new Rng(seed, 'init')), cfg, (n) => sample(rng, n),
      (step) => ctx.progress('pretrain', step, cfg.steps)));
}

export interface MaskStageSpec {
  /** Mask id, e.g. "control", "add", "pair1". */
  id: string;
  sample: BatchSampler;
}

/** Trains each stage's mask on the frozen `params`; returns logits per stage id. */
export function trainStages(
  ctx: JobContext, timer: StageTimer, params: MlpHostParams, cfg: MaskStageConfig, seed: number,
  stages: MaskStageSpec[], variant: string,
): Map<string, Float32Array[]> {
  const net = uploadFrozen(ctx.kernels, params);
  const out = new Map<string, Float32Array[]>();
  try {
    for (const stage of stages) {
      const name = variant === 'normal' ? stage.id : `${variant}/${stage.id}`;
      const rng = new Rng(seed, `mask-data:${name}`);
      const result = timer.run(name, cfg.steps, () =>
        trainMaskStage(ctx.kernels, net, cfg, mixKey(seed, labelKey(name)), (n) => stage.sample(rng, n),
          (step) => ctx.progress(name, step, cfg.steps)));
      out.set(stage.id, result.logits);
    }
  } finally {
    disposeFrozen(net);
  }
  return out;
}
