// The stages of one seed: one fresh mask per stage on the same frozen model.
// Each stage draws its data and noise from its own named stream, so stages are
// independent of their order (except under the faithful clipping of quirk Q1,
// whose accumulated weight gradients run on from stage to stage, as in the
// official code).
import { labelKey, mixKey, Rng } from '../runtime/rng.ts';
import type { StageTimer } from '../runtime/stage-timer.ts';
import type { JobContext } from '../tasks/experiment.ts';
import type { MaskableModel } from './maskable-model.ts';
import type { CurveRecorder } from './curve-recorder.ts';
import type { FrozenGradients } from './frozen-gradients.ts';
import { trainMaskStage, type MaskStageConfig } from './train-mask-stage.ts';

export interface MaskStageSpec<Part> {
  /** Mask id, e.g. "control", "add", "pair1", "jump". */
  id: string;
  /** A batch of n examples, as the parts the model runs (double addition: two passes). */
  sample: (rng: Rng, n: number) => Part[];
  /** The full set of logits from the trained ones, where the model trains fewer (CIFAR's frozen output layer); for the curves. */
  fullLogits?: (trained: Float32Array[]) => Float32Array[];
}

/** Trains each stage's mask on the frozen `model`; returns logits per stage id. With `curve`, each stage's curve is recorded into it. */
export function trainMaskStages<Part>(
  ctx: JobContext, timer: StageTimer, model: MaskableModel<Part>, cfg: MaskStageConfig, seed: number,
  stages: MaskStageSpec<Part>[], variant: string, curve?: CurveRecorder, frozen?: FrozenGradients,
): Map<string, Float32Array[]> {
  const out = new Map<string, Float32Array[]>();
  for (const stage of stages) {
    const name = variant === 'normal' ? stage.id : `${variant}/${stage.id}`;
    const rng = new Rng(seed, `mask-data:${name}`);
    const result = timer.run(name, cfg.steps, () =>
      trainMaskStage(ctx.kernels, model, cfg, mixKey(seed, labelKey(name)), (n) => stage.sample(rng, n),
        (step) => ctx.progress(name, step, cfg.steps),
        curve && { steps: curve.steps(cfg.steps), at: (step, logits) => curve.record(stage.id, step, stage.fullLogits?.(logits) ?? logits) }, frozen));
    out.set(stage.id, result.logits);
  }
  return out;
}
