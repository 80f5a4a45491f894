// The build step: for each selected experiment, decide whether its artifact is
// fresh (cache key) or stale (and say why), run the missing seeds as jobs on
// worker processes, assemble and write the artifacts, and summarise.
import { cpus, platform } from 'node:os';
import { join } from 'node:path';
import { assembleArtifact } from '../artifacts/assemble.ts';
import type { BackendInfo, ProfileName, Provenance, ResultArtifact } from '../artifacts/schema.ts';
import { profileNameSchema } from '../artifacts/schema.ts';
import { readArtifact, writeArtifact } from '../artifacts/store.ts';
import type { AnyExperiment, SeedOutput } from '../tasks/experiment.ts';
import { EXPERIMENTS, findExperiment } from '../tasks/registry.ts';
import { initBackend, type BackendChoice } from './backend.ts';
import { busySeconds } from './busy-time.ts';
import { computeCacheKey, staleness, type CacheKey } from './cache-key.ts';
import { UserError } from './errors.ts';
import { executeJob } from './execute-job.ts';
import { gitInfo } from './git-info.ts';
import { jobFile, jobId, mergeParts, readJobResult, type Job } from './jobs.ts';
import { formatSeconds, ProgressBoard } from './progress.ts';
import { runJobsInWorkers } from './worker-pool.ts';
import * as tf from '@tensorflow/tfjs-core';

export interface RunOptions {
  profile: ProfileName;
  only: string[] | null;
  force: boolean;
  backend: BackendChoice;
  /** Worker processes; 0 runs the jobs in this process. */
  workers: number;
  resultsDir: string;
  cacheDir: string;
  repoRoot: string;
  experimentsRoot: string;
  write: (text: string) => void;
  tty: boolean;
  now: () => number;
  /** Called with the experiments that have jobs to run, before any job starts (e.g. to fetch their datasets). */
  prepare?: (experimentIds: string[]) => Promise<void>;
}

export interface ExperimentOutcome {
  id: string;
  status: 'fresh' | 'ran' | 'failed';
  reason: string;
  seconds: number;
  reusedSeeds: number[];
  findingsHeld: number;
  findingsTotal: number;
  findingsExpectedButFailed: string[];
  dir: string;
}

export interface RunSummary {
  outcomes: ExperimentOutcome[];
  wallSeconds: number;
}

interface Plan {
  experiment: AnyExperiment;
  config: { seeds: number[] };
  key: CacheKey;
  reason: string | null;
  /** The stored artifact when it is fresh (read once, while planning). */
  fresh: ResultArtifact | null;
}

function planOf(opts: RunOptions, experiment: AnyExperiment): Plan {
  const config = experiment.profiles[opts.profile];
  const key = computeCacheKey(opts.experimentsRoot, experiment.id, opts.profile, config, experiment.dataVersion);
  let stored: ResultArtifact | null = null;
  let reason: string | null;
  try {
    stored = readArtifact(opts.resultsDir, opts.profile, experiment.id);
    reason = staleness(stored?.provenance.cache ?? null, key);
  } catch (err) {
    reason = `existing artifact unreadable (${(err as Error).message})`;
  }
  if (opts.force && reason === null) reason = 'forced (--force)';
  return { experiment, config, key, reason, fresh: reason === null ? stored : null };
}

/** Rough cost of one seed in optimizer steps, to start long jobs first. */
function costOf(config: unknown): number {
  const c = config as { pretrain?: { steps: number }; mask?: { steps: number } };
  return (c.pretrain?.steps ?? 0) + 4 * (c.mask?.steps ?? 0);
}

/** The parts of one seed's work: the experiment's, or the whole seed as one part. */
function partsOf(p: Plan): { id: string | null; cost: number }[] {
  return p.experiment.parts?.(p.config) ?? [{ id: null, cost: costOf(p.config) }];
}

export function selectExperiments(only: string[] | null): AnyExperiment[] {
  return only ? only.map(findExperiment) : EXPERIMENTS;
}

export async function runExperiments(opts: RunOptions): Promise<RunSummary> {
  if (!profileNameSchema.safeParse(opts.profile).success) throw new UserError(`unknown profile "${opts.profile}" (expected ci, quick or paper)`);
  const start = opts.now();
  // Taken before any work: the tree that the results were computed from.
  const git = gitInfo(opts.repoRoot);
  const board = new ProgressBoard({ write: opts.write, now: opts.now, tty: opts.tty, logEverySeconds: 30 });
  const plans = selectExperiments(opts.only).map((e) => planOf(opts, e));
  const outcomes: ExperimentOutcome[] = [];
  const stale = plans.filter((p) => p.reason !== null);
  for (const p of plans) {
    board.log(p.reason === null ? `✓ ${p.experiment.id}: fresh (cache key ${p.key.key.slice(0, 12)}), reusing the artifact`
      : `• ${p.experiment.id}: stale — ${p.reason}; running ${p.config.seeds.length} seeds on profile ${opts.profile}`);
    if (p.fresh) {
      outcomes.push(summaryOf(p.experiment.id, 'fresh', 'cache key matches', 0, [], p.fresh.findings, join(opts.resultsDir, opts.profile, p.experiment.id)));
    }
  }

  // Jobs: the seeds (and parts) of stale experiments that the job cache does not hold yet.
  const jobs: Job[] = [];
  const reused = new Map<string, number[]>();
  for (const p of stale) {
    for (const seed of p.config.seeds) {
      let allCached = true;
      for (const part of partsOf(p)) {
        const outFile = jobFile(opts.cacheDir, p.experiment.id, opts.profile, p.key.key, seed, part.id);
        if (!opts.force && readJobResult(outFile)) continue;
        allCached = false;
        jobs.push({ id: jobId(p.experiment.id, seed, part.id), experiment: p.experiment.id, profile: opts.profile, seed, part: part.id, outFile, cost: part.cost });
      }
      if (allCached) reused.set(p.experiment.id, [...(reused.get(p.experiment.id) ?? []), seed]);
    }
  }
  const jobTimes = new Map<string, { start: number; end: number }>();
  const callbacks = {
    progress: (e: Parameters<ProgressBoard['update']>[0]) => board.update(e),
    log: (line: string) => board.log(`  ${line}`),
    jobStarted: (job: Job) => jobTimes.set(job.id, { start: opts.now(), end: NaN }),
    jobDone: (job: Job) => {
      const t = jobTimes.get(job.id)!;
      t.end = opts.now();
      board.finish(job.id);
      board.log(`  done ${job.id} in ${formatSeconds(t.end - t.start)}`);
    },
  };
  if (jobs.length > 0 && opts.prepare) await opts.prepare([...new Set(jobs.map((j) => j.experiment))]);
  if (jobs.length > 0) {
    const workers = opts.workers === 0 ? 0 : Math.min(opts.workers, jobs.length);
    board.log(`running ${jobs.length} jobs ${workers === 0 ? 'in this process' : `on ${workers} worker processes`} (backend: ${opts.backend})`);
    if (workers === 0) {
      const active = await initBackend(opts.backend);
      for (const job of jobs) {
        callbacks.jobStarted(job);
        executeJob(active, job, callbacks.progress, opts.now);
        callbacks.jobDone(job);
      }
    } else {
      await runJobsInWorkers(jobs, workers, opts.backend, callbacks);
    }
    board.clear();
  }

  for (const p of stale) {
    const results = p.config.seeds.map((seed) => partsOf(p).map((part) => readJobResult(jobFile(opts.cacheDir, p.experiment.id, opts.profile, p.key.key, seed, part.id))));
    if (results.flat().some((r) => r === null)) throw new Error(`missing job output for ${p.experiment.id}`);
    const outputs = results.map((parts) => mergeParts(parts.map((r) => r!.output)));
    const backend = results[0][0]!.backend;
    // The time the computation took: from the jobs' recorded spans when every job has one
    // (so reused jobs count too), else from this run's own job times.
    const spans = results.flat().flatMap((r) => (r!.span ? [r!.span] : []));
    const times = [...jobTimes].filter(([id]) => id.startsWith(`${p.experiment.id}#`)).map(([, t]) => t);
    const thisRun = times.length ? Math.max(...times.map((t) => t.end)) - Math.min(...times.map((t) => t.start)) : 0;
    const wall = spans.length === results.flat().length ? busySeconds(spans) : thisRun;
    const provenance = provenanceOf(opts, p, backend, outputs, wall, git);
    const assembled = await assembleArtifact(p.experiment, p.config, outputs, provenance);
    const dir = writeArtifact(opts.resultsDir, opts.profile, assembled);
    outcomes.push(summaryOf(p.experiment.id, 'ran', p.reason!, thisRun, reused.get(p.experiment.id) ?? [], assembled.artifact.findings, dir));
  }
  const order = plans.map((p) => p.experiment.id);
  outcomes.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { outcomes, wallSeconds: opts.now() - start };
}

function provenanceOf(opts: RunOptions, p: Plan, backend: BackendInfo, outputs: SeedOutput[], wall: number, git: Provenance['git']): Provenance {
  const stages = outputs.flatMap((o) => o.stages.map((s) => ({
    seed: o.seed, stage: s.stage, seconds: round(s.seconds), steps: s.steps, stepsPerSecond: round(s.steps / Math.max(s.seconds, 1e-9)),
  })));
  const finished = new Date();
  return {
    profile: opts.profile,
    config: p.config as Record<string, unknown>,
    seeds: p.config.seeds,
    backend,
    versions: { tfjs: tf.version_core, node: process.versions.node },
    git,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', platform: `${platform()} ${process.arch}`, workers: opts.workers },
    cache: p.key,
    dataVariant: p.experiment.dataVariant(p.config),
    startedAt: new Date(finished.getTime() - wall * 1000).toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: { total: round(wall), stages },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function summaryOf(
  id: string, status: ExperimentOutcome['status'], reason: string, seconds: number, reusedSeeds: number[],
  findings: { id: string; holds: boolean; expected: boolean }[], dir: string,
): ExperimentOutcome {
  return {
    id, status, reason, seconds, reusedSeeds, dir,
    findingsHeld: findings.filter((f) => f.holds).length,
    findingsTotal: findings.length,
    findingsExpectedButFailed: findings.filter((f) => f.expected && !f.holds).map((f) => f.id),
  };
}
