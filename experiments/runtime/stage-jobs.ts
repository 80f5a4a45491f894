// Stage jobs: the stages of a seed (Experiment.stages) as jobs of their own, so
// that the two workers of this machine train two masks of one seed at once,
// and a run that is stopped keeps every stage it finished. The seed's own job
// then assembles the seed from its finished stages (reading them back), so its
// output is the same, number for number, as a job that ran every stage itself.
//
//   pretrain ──► control ──► without-cat …      (CIFAR: a removal stage needs the control)
//          └───► add, mul …                      (the others need pre-training only)
//   all of them ──► the seed's job (assembles; the artifact reads only its output)
import type { AnyExperiment, StagePlan } from '../tasks/experiment.ts';
import { UserError } from './errors.ts';

/** Whether runs use stage jobs by default: where stages are long (long, paper); ci and quick run each seed as one job. */
export const STAGE_JOB_PROFILES: readonly string[] = ['long', 'paper'];

/** A mask stage saves a checkpoint every 5 minutes: a killed run loses at most that much of a stage. */
export const CHECKPOINT_SECONDS = 300;

/** The stage plan of one job, checked: names unique, every `after` an earlier stage. */
export function stagePlanOf(experiment: AnyExperiment, config: unknown, seed: number, part: string | null): StagePlan[] {
  const plan = experiment.stages?.(config, seed, part) ?? [];
  const seen = new Set<string>();
  for (const p of plan) {
    if (seen.has(p.stage)) throw new Error(`${experiment.id}: stage "${p.stage}" is planned twice`);
    const missing = p.after.find((a) => !seen.has(a));
    if (missing !== undefined) throw new Error(`${experiment.id}: stage "${p.stage}" needs "${missing}", which is not planned before it`);
    seen.add(p.stage);
  }
  return plan;
}

/** The stages `stage` needs, directly or through others, in plan order. */
export function stageNeeds(plan: StagePlan[], stage: string): string[] {
  const need = new Set<string>();
  const visit = (s: string) => {
    for (const a of plan.find((p) => p.stage === s)?.after ?? []) {
      if (!need.has(a)) {
        need.add(a);
        visit(a);
      }
    }
  };
  visit(stage);
  return plan.map((p) => p.stage).filter((s) => need.has(s));
}

/** A checkpoint clock: due once `seconds` have passed since the last one (or the start). */
export function checkpointClock(now: () => number, seconds: number): (step: number) => boolean {
  if (!(seconds > 0)) throw new UserError(`checkpoint interval ${seconds} s is not a positive number of seconds`);
  let last = now();
  return () => {
    const t = now();
    if (t - last < seconds) return false;
    last = t;
    return true;
  };
}
