// Runs one job (one seed, or one part of a seed, of one experiment) in the current process and writes
// its result to the job cache. Used by worker processes and by the in-process
// mode (workers = 0).
import { findExperiment } from '../tasks/registry.ts';
import type { ActiveBackend } from './backend.ts';
import { writeJobResult, type Job } from './jobs.ts';
import type { ProgressEvent } from './progress.ts';

/** `clock`: epoch milliseconds, for the job's recorded span (see busy-time.ts). */
export function executeJob(active: ActiveBackend, job: Job, onProgress: (e: ProgressEvent) => void, now: () => number, clock: () => number = Date.now): void {
  const startedAtMs = clock();
  const experiment = findExperiment(job.experiment);
  const config = experiment.profiles[job.profile];
  let last = -Infinity;
  const output = experiment.runSeed({
    kernels: active.kernels,
    now,
    progress(stage, step, total) {
      const t = now();
      if (t - last >= 0.5 || step === total) {
        last = t;
        onProgress({ jobId: job.id, stage, step, total });
      }
    },
  }, config, job.seed, job.part);
  writeJobResult(job.outFile, { backend: active.info, output, span: { startedAtMs, finishedAtMs: clock() } });
}
