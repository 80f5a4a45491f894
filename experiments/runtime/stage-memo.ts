// A job's stages through its stage store (stage-store.ts): a stage finished
// earlier, by a stage job or a killed run, is read back instead of computed;
// one computed here is stored; in a stage job, the target stage ends the job.
// Without a store (the fingerprint run, the tests, ci and quick by default)
// each stage just runs: the numbers are the same either way.
import type { JobContext } from '../tasks/experiment.ts';
import { StageJobDone } from './stage-store.ts';
import type { StageTimer } from './stage-timer.ts';

/**
 * Stage `name` of `steps` steps: computed under the timer, or read back.
 * `skipped`: what a stage job that does not need this stage uses instead of it
 * (a mask stage before its target; pre-training has none: it is always needed).
 * `earlierSeconds`: called after `compute`, the time earlier sittings spent on
 * the stage before the checkpoint it resumed from (0: none).
 */
export function memoStage<T>(
  ctx: JobContext,
  timer: StageTimer,
  name: string,
  steps: number,
  compute: () => T,
  skipped?: () => T,
  earlierSeconds: () => number = () => 0,
): T {
  const s = ctx.stages;
  if (!s) return timer.run(name, steps, compute);
  const done = s.store.finished<T>(name);
  if (done) {
    timer.record(name, done.seconds, done.steps);
    if (s.target === name) throw new StageJobDone(name);
    return done.value;
  }
  if (skipped && s.target !== null && s.target !== name && !s.needs(name)) return skipped();
  const value = timer.run(name, steps, compute);
  // A stage resumed from a checkpoint also took the time before it.
  const record = timer.stages[timer.stages.length - 1];
  record.seconds += earlierSeconds();
  s.store.finish(name, { value, seconds: record.seconds, steps });
  // Superseded by the finished stage. (A skipped stage may be training in another job: its checkpoint stays.)
  s.store.dropCheckpoint(name);
  if (s.target === name) throw new StageJobDone(name);
  return value;
}
