// How long the jobs a run is about to start will take, roughly, so that a run
// of hours does not start by accident (the CLI asks first, cli/experiments.ts). Per
// experiment: the seconds per unit of job cost its stored artifact measured
// (the same profile's previous run, whatever made it stale), else the reference
// rate of this project's machine; the jobs' costs times that rate, shared by
// the workers.
import type { ResultArtifact } from '../artifacts/schema.ts';
import type { AnyExperiment } from '../tasks/experiment.ts';
import type { Job } from './jobs.ts';
import { jobsOf } from './jobs.ts';

/** Seconds per unit of job cost on the reference machine (one worker): an add-mul quick seed, 16k units, takes about 7 min. */
export const REFERENCE_SECONDS_PER_COST = 420 / 16000;

/** Seconds per cost unit that a stored artifact measured, or null where it cannot tell. */
export function measuredRate(experiment: AnyExperiment, previous: ResultArtifact | null): number | null {
  if (!previous) return null;
  try {
    const cost = jobsOf(experiment, previous.provenance.config as { seeds: number[] }).reduce((a, j) => a + j.cost, 0);
    const seconds = previous.provenance.wallSeconds.stages.reduce((a, s) => a + s.seconds, 0);
    return cost > 0 && seconds > 0 ? seconds / cost : null;
  } catch {
    return null; // a config of another shape than the code's now
  }
}

/** Wall seconds the jobs will take on `workers` processes (0: in this process), by each experiment's rate. */
export function estimateJobSeconds(jobs: Job[], rates: Map<string, number | null>, workers: number): number {
  const core = jobs.reduce((a, j) => a + j.cost * (rates.get(j.experiment) ?? REFERENCE_SECONDS_PER_COST), 0);
  return core / Math.max(1, Math.min(workers, jobs.length));
}
