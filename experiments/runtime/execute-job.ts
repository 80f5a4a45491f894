// Runs one job (one seed, or one part of a seed, of one experiment) in the current process and writes
// its result to the job cache. Used by worker processes and by the in-process
// mode (workers = 0).
import { configFor, findExperiment } from '../tasks/registry.ts';
import type { ActiveBackend } from './backend.ts';
import { NonFiniteError } from './errors.ts';
import { writeJobResult, type Job } from './jobs.ts';
import type { ProgressEvent } from './progress.ts';
import { CHECKPOINT_SECONDS, checkpointClock } from './stage-jobs.ts';
import { fileStageStore, StageJobDone, type StageContext } from './stage-store.ts';

/**
 * `clock`: epoch milliseconds, for the job's recorded span (see busy-time.ts).
 * A divergence (NonFiniteError: a NaN or ±Infinity loss, gradient norm or
 * output number) stops the job with nothing written; its one-line message then
 * names the experiment and seed, the stage and the step.
 */
export function executeJob(
  active: ActiveBackend,
  job: Job,
  onProgress: (e: ProgressEvent) => void,
  now: () => number,
  clock: () => number = Date.now,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): void {
  const startedAtMs = clock();
  const experiment = findExperiment(job.experiment);
  const config = configFor(experiment, job.profile, job.run);
  const target = job.stage ?? null;
  const stages: StageContext | undefined =
    job.stageDir === undefined
      ? undefined
      : {
          store: fileStageStore(job.stageDir, log),
          target,
          needs: (stage) => (job.needs ?? []).includes(stage),
          checkpointDue: checkpointClock(now, job.checkpointSeconds ?? CHECKPOINT_SECONDS),
        };
  let last = -Infinity;
  try {
    const output = experiment.runSeed(
      {
        kernels: active.kernels,
        now,
        ...(stages ? { stages } : {}),
        ...(job.data ? { data: job.data } : {}),
        progress(stage, step, total) {
          const t = now();
          if (t - last >= 0.5 || step === total) {
            last = t;
            onProgress({ jobId: job.id, stage, step, total });
          }
        },
      },
      config,
      job.seed,
      job.part,
    );
    // A stage job that ran to the end never met its stage: Experiment.stages names one its runSeed does not run.
    if (target !== null) throw new Error(`${jobLabel(job)}: the job ran to its end without running its stage "${target}"`);
    writeJobResult(job.outFile, { backend: active.info, output, span: { startedAtMs, finishedAtMs: clock() } });
  } catch (err) {
    // A stage job's output is its finished stage, already in the store.
    if (err instanceof StageJobDone && err.stage === target) return;
    throw err instanceof NonFiniteError ? err.within(jobLabel(job)) : err;
  }
}

/** "add-mul seed 2", "scan seed 1 part masks", "scan seed 1 part masks stage jump": what a job's divergence message names first. */
export function jobLabel(job: Pick<Job, 'experiment' | 'seed' | 'part' | 'stage'>): string {
  return `${job.experiment} seed ${job.seed}${job.part === null ? '' : ` part ${job.part}`}${job.stage ? ` stage ${job.stage}` : ''}`;
}
