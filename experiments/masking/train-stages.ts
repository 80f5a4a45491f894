// The stages of one seed: one fresh mask per stage on the same frozen model.
// Each stage draws its data and noise from its own named stream, so stages are
// independent of their order (except under the faithful clipping of quirk Q1,
// whose accumulated weight gradients run on from stage to stage, as in the
// official code).
//
// Under a stage store (runtime/stage-store.ts) each stage is kept when it
// finishes and checkpointed while it trains (data stream, Adam state, curve
// measurements), so a stage runs as a job of its own and a killed one resumes.
import { labelKey, mixKey, Rng } from '../runtime/rng.ts';
import { memoStage } from '../runtime/stage-memo.ts';
import type { StageTimer } from '../runtime/stage-timer.ts';
import type { JobContext } from '../tasks/experiment.ts';
import type { MaskableModel } from './maskable-model.ts';
import type { CurveMeasurement, CurveRecorder } from './curve-recorder.ts';
import type { FrozenGradients } from './frozen-gradients.ts';
import { trainMaskStage, type MaskStageCheckpoint, type MaskStageConfig, type MaskTrainerOptions, type StageResume } from './train-mask-stage.ts';
import { withFixedLogits, type FixedLogitList } from './fixed-logits.ts';

/** What a finished mask stage keeps: its logits and its curve measurements (null without a curve). */
interface StageRecord {
  logits: Float32Array[];
  curve: CurveMeasurement[] | null;
}

/** A mask stage's checkpoint with the caller's part of the state. */
interface StageCheckpointRecord extends MaskStageCheckpoint {
  rng: number[];
  curve: CurveMeasurement[] | null;
  /** Seconds spent on the stage up to this checkpoint, over every sitting (absent in checkpoints written before it was kept). */
  seconds?: number;
}

export interface MaskStageSpec<Part> {
  /** Mask id, e.g. "control", "add", "pair1", "jump". */
  id: string;
  /** A batch of n examples, as the parts the model runs (double addition: two passes). */
  sample: (rng: Rng, n: number) => Part[];
  /**
   * Per masked tensor, logits kept fixed in this stage (never trained), or null
   * where they are trained: CIFAR-10's removal stages keep the control's output
   * layer. The stage keeps (and its checkpoints hold) the trained logits only;
   * what this returns has the fixed ones filled in.
   */
  fixedLogits?: FixedLogitList;
}

/** Trains each stage's mask on the frozen `model`; returns logits per stage id. With `curve`, each stage's curve is recorded into it. */
export function trainMaskStages<Part>(
  ctx: JobContext,
  timer: StageTimer,
  model: MaskableModel<Part>,
  cfg: MaskStageConfig,
  seed: number,
  stages: MaskStageSpec<Part>[],
  variant: string,
  curve?: CurveRecorder,
  frozen?: FrozenGradients,
): Map<string, Float32Array[]> {
  const out = new Map<string, Float32Array[]>();
  const stored = ctx.stages;
  // In a stage job the comparisons of the curve wait for the job that assembles the seed.
  const fileNow = !stored || stored.target === null;
  if (stored && cfg.clip === 'faithful' && stored.target !== null)
    throw new Error('stages with faithful clipping share their accumulated gradients and cannot run as separate jobs');
  for (const stage of stages) {
    const name = variant === 'normal' ? stage.id : `${variant}/${stage.id}`;
    const rng = new Rng(seed, `mask-data:${name}`);
    const measured: CurveMeasurement[] = [];
    // The stage's time in earlier sittings (from the checkpoint it resumed from), and when this sitting started it.
    let earlier = 0;
    let startedAt = ctx.now();
    const resume: StageResume | undefined =
      stored && cfg.clip !== 'faithful'
        ? {
            load() {
              const c = stored.store.checkpoint<StageCheckpointRecord>(name);
              if (!c) return null;
              rng.restore(c.rng);
              earlier = c.seconds ?? 0;
              startedAt = ctx.now();
              measured.push(...(c.curve ?? []));
              return c;
            },
            due: (step) => stored.checkpointDue(step),
            save: (c) =>
              stored.store.saveCheckpoint(name, {
                ...c,
                rng: rng.state(),
                curve: curve ? measured : null,
                seconds: earlier + (ctx.now() - startedAt),
              } satisfies StageCheckpointRecord),
          }
        : undefined;
    const fixed = stage.fixedLogits;
    const full = (trained: Float32Array[]) => (fixed ? withFixedLogits(fixed, trained) : trained);
    const trainer: MaskTrainerOptions = {
      ...(frozen ? { weightGradients: frozen } : {}),
      ...(fixed ? { fixedLogits: { logits: fixed, noiseSeed: mixKey(seed, labelKey(`frozen:${name}`)) } } : {}),
    };
    const record = memoStage<StageRecord>(
      ctx,
      timer,
      name,
      cfg.steps,
      () => {
        const result = trainMaskStage(
          ctx.kernels,
          model,
          cfg,
          mixKey(seed, labelKey(name)),
          (n) => stage.sample(rng, n),
          (step) => ctx.progress(name, step, cfg.steps),
          {
            checkpoints: curve && { steps: curve.steps(cfg.steps), at: (step, logits) => measured.push(curve.measure(stage.id, step, full(logits))) },
            trainer,
            resume,
          },
        );
        return { logits: result.logits, curve: curve ? measured : null };
      },
      () => ({ logits: model.weights.filter((_, j) => !fixed?.[j]).map((w) => new Float32Array(w.size).fill(cfg.logitInit)), curve: null }),
      () => earlier,
    );
    if (curve && fileNow) for (const m of record.curve ?? []) curve.file(m);
    out.set(stage.id, full(record.logits));
  }
  return out;
}
