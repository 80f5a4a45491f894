// The build step: for each selected experiment, decide whether its artifact is
// fresh (cache key by behaviour, runtime/cache-key.ts) or stale (and say why);
// re-derive the findings and pictures of a fresh one whose derivation code
// changed; run the missing seeds of stale ones as jobs on worker processes,
// assemble and write the artifacts, and summarise. One run at a time per
// results and cache folder (runtime/run-lock.ts). A shard run (runtime/shard.ts)
// computes only its slice of the jobs into the job cache and writes no artifact.
import { cpus, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { assembleArtifact } from '../artifacts/assemble.ts';
import { derivedDifferences, integrityOf, rederive, storedFiles } from '../artifacts/derive.ts';
import type { BackendInfo, Finding, ProfileName, Provenance, ResultArtifact } from '../artifacts/schema.ts';
import { profileNameSchema } from '../artifacts/schema.ts';
import { experimentDir, readArtifact, writeArtifact } from '../artifacts/store.ts';
import type { AnyExperiment, SeedOutput } from '../tasks/experiment.ts';
import { configFor, selectExperiments } from '../tasks/registry.ts';
import type { NamedRun } from '../runs/named-run.ts';
import { initBackend, type BackendChoice } from './backend.ts';
import { busySeconds } from './busy-time.ts';
import { staleness, type CacheKey, type CurrentKey } from './cache-key.ts';
import { completeKeyOf, currentKeyOf, type FreshnessContext } from './freshness.ts';
import { healResults, removeTempFiles } from './heal.ts';
import { acquireRunLock } from './run-lock.ts';
import { UserError } from './errors.ts';
import { executeJob } from './execute-job.ts';
import { gitInfo } from './git-info.ts';
import { jobFile, jobId, jobsOf, mergeParts, partsOf, readJobResult, stageJobId, type Job } from './jobs.ts';
import { STAGE_JOB_PROFILES, stageNeeds, stagePlanOf } from './stage-jobs.ts';
import { hasFinishedStage, stageDir } from './stage-store.ts';
import { formatSeconds, ProgressBoard } from './progress.ts';
import { checkShard, shardAssignment, type Shard, type ShardReport } from './shard.ts';
import { runJobsInWorkers, sequentialOrder } from './worker-pool.ts';
import { estimateJobSeconds, measuredRate } from './run-estimate.ts';
import { dataPaths, type DataPaths } from '../data/images/data-dir.ts';
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
  /** Where real datasets are looked for (for the data digest); null or absent: none. */
  dataDir?: string | null;
  /** Where decoded images are cached (prepare decodes into it); default: images/ in the cache folder. */
  imageCacheDir?: string;
  /** Publish into the repository's content/results from a tree with uncommitted changes (recorded in provenance). */
  allowDirty?: boolean;
  write: (text: string) => void;
  tty: boolean;
  now: () => number;
  /** Makes the given experiments' datasets ready before their jobs (or fingerprint runs) start; may download. */
  prepare?: (experimentIds: string[]) => Promise<void>;
  /** Called once before any job runs (e.g. to check that the output folders can take the results). */
  beforeJobs?: () => void;
  /**
   * Asked once the jobs are known, before any starts, with their estimated
   * wall time (runtime/run-estimate.ts); false: nothing is started (a
   * UserError). Absent: the jobs start.
   */
  confirm?: (plan: { jobs: number; seconds: number; experiments: string[] }) => boolean | Promise<boolean>;
  /**
   * Run the stages of each seed as jobs of their own (runtime/stage-jobs.ts),
   * with checkpoints; default: on the long and paper profiles.
   */
  stageJobs?: boolean;
  /** With stage jobs: a mask stage saves a checkpoint at most this often (default stage-jobs.ts CHECKPOINT_SECONDS). */
  checkpointSeconds?: number;
  /** Run only this shard's jobs into the job cache; assemble nothing (runtime/shard.ts). */
  shard?: Shard | null;
  /** A named run (runs/): the selected experiment's config is the run's patch on the profile's. */
  run?: NamedRun | null;
}

export interface ExperimentOutcome {
  id: string;
  /** fresh: reused as is; rederived: computed parts reused, findings and pictures assembled again; ran: recomputed. */
  status: 'fresh' | 'rederived' | 'ran' | 'failed';
  reason: string;
  seconds: number;
  reusedSeeds: number[];
  findingsHeld: number;
  findingsTotal: number;
  /** The paper's headline claims and the checks, apart. */
  claims: { held: number; total: number };
  trends: { held: number; total: number };
  checks: { held: number; total: number };
  findingsExpectedButFailed: string[];
  dir: string;
}

export interface RunSummary {
  /** In a shard run: only the fresh experiments (the stale ones are in `shard`). */
  outcomes: ExperimentOutcome[];
  wallSeconds: number;
  shard?: ShardReport;
}

interface Plan {
  experiment: AnyExperiment;
  config: { seeds: number[] };
  current: CurrentKey;
  reason: string | null;
  /** The stored artifact when it is fresh (read once, while planning), with its masks file. */
  fresh: ResultArtifact | null;
  /** The stored artifact of this profile, fresh or not (its wall times estimate a rerun's); null when none is trusted. */
  previous: ResultArtifact | null;
  masksBin: Uint8Array | null;
}

export async function runExperiments(opts: RunOptions): Promise<RunSummary> {
  if (!profileNameSchema.safeParse(opts.profile).success)
    throw new UserError(`unknown profile "${opts.profile}" (expected ${profileNameSchema.options.join(', ')})`);
  if (opts.shard) checkShard(opts.shard);
  const lock = acquireRunLock([opts.resultsDir, opts.cacheDir]);
  try {
    for (const line of lock.notes) opts.write(`  ${line}\n`);
    return await runLocked(opts);
  } finally {
    lock.release();
  }
}

async function runLocked(opts: RunOptions): Promise<RunSummary> {
  const start = opts.now();
  // Taken before any work: the tree that the results were computed from.
  const git = gitInfo(opts.repoRoot);
  const board = new ProgressBoard({ write: opts.write, now: opts.now, tty: opts.tty, logEverySeconds: 30 });
  for (const line of healResults(join(opts.resultsDir, opts.profile))) board.log(line);
  for (const line of removeTempFiles(opts.cacheDir)) board.log(line);
  const publishing = resolve(opts.resultsDir) === resolve(opts.repoRoot, 'content/results');
  const refuseDirty = () => {
    if (publishing && git.dirty && !opts.allowDirty) {
      throw new UserError(
        `refusing to publish into ${opts.resultsDir} from a tree with uncommitted changes (outside content/results): commit them first, or pass --allow-dirty (recorded in the artifact)`,
      );
    }
  };
  const gitRecord = { ...git, ...(git.dirty && opts.allowDirty ? { allowDirty: true } : {}) };

  // The main process takes the fingerprints and the environment id on the backend the jobs will use.
  const active = await initBackend(opts.backend);
  const ready = new Map<string, boolean>();
  const fctx: FreshnessContext = {
    profile: opts.profile,
    run: opts.run ?? null,
    experimentsRoot: opts.experimentsRoot,
    cacheDir: opts.cacheDir,
    dataDir: opts.dataDir ?? null,
    imageCacheDir: opts.imageCacheDir,
    backend: active,
    log: (line) => board.log(`  ${line}`),
    dataReady: async (id) => {
      if (!ready.has(id)) {
        try {
          await opts.prepare?.([id]);
          ready.set(id, opts.prepare !== undefined);
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          board.log(`  ${id}: ${err.message}`);
          ready.set(id, false);
        }
      }
      return ready.get(id)!;
    },
  };

  const plans: Plan[] = [];
  const outcomes: ExperimentOutcome[] = [];
  for (const experiment of selectExperiments(opts.only, opts.profile)) {
    const config = configFor(experiment, opts.profile, opts.run);
    const dir = experimentDir(opts.resultsDir, opts.profile, experiment.id);
    let stored: ResultArtifact | null = null;
    let masksBin: Uint8Array | null = null;
    let reason: string | null = null;
    try {
      stored = readArtifact(opts.resultsDir, opts.profile, experiment.id);
      const integrity = stored ? integrityOf(dir, stored) : null;
      masksBin = integrity?.masksBin ?? null;
      const broken = integrity?.problems ?? [];
      if (broken.length) {
        reason = `the artifact does not match its own content (${broken[0]}${broken.length > 1 ? `; and ${broken.length - 1} more` : ''}), so it is not trusted`;
        stored = null;
      }
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      reason = `existing artifact unreadable (${err.message})`;
    }
    const f = await currentKeyOf(fctx, experiment, stored, false);
    reason ??= staleness(stored?.provenance.cache ?? null, f.current);
    if (opts.force && reason === null) reason = 'forced (--force)';
    if (reason === null && f.unknown.length) board.log(`  ${experiment.id}: judged fresh on what could be checked; ${f.unknown.join('; ')}`);
    plans.push({ experiment, config, current: f.current, reason, fresh: reason === null ? stored : null, previous: stored, masksBin });
  }

  for (const p of plans) {
    const dir = experimentDir(opts.resultsDir, opts.profile, p.experiment.id);
    if (!p.fresh) {
      const which = opts.shard ? ` (the jobs of shard ${opts.shard.index}/${opts.shard.count})` : '';
      board.log(`• ${p.experiment.id}: stale — ${p.reason}; running ${p.config.seeds.length} seeds${which} on profile ${opts.profile}`);
      continue;
    }
    if (opts.shard) {
      // A shard run writes into the job cache only, so a fresh artifact is not even re-derived.
      board.log(`✓ ${p.experiment.id}: fresh (cache key ${p.fresh.provenance.cache.key.slice(0, 12)}), nothing to run`);
      outcomes.push(summaryOf(p.experiment.id, 'fresh', 'cache key matches', 0, [], p.fresh.findings, dir));
      continue;
    }
    // Fresh numbers; are the derived parts (findings, notes, pictures) still what the code derives from them?
    // (Assembled once, with the derivation record it gets if written: the comparison leaves the provenance out.)
    const provenance = { ...p.fresh.provenance, derivation: { commit: git.commit, dirty: git.dirty, at: new Date().toISOString() } };
    const assembled = await rederive(p.experiment, p.fresh, p.masksBin!, provenance);
    const diff = derivedDifferences(p.fresh, assembled, storedFiles(dir));
    if (diff.length === 0) {
      board.log(`✓ ${p.experiment.id}: fresh (cache key ${p.fresh.provenance.cache.key.slice(0, 12)}), reusing the artifact`);
      outcomes.push(summaryOf(p.experiment.id, 'fresh', 'cache key matches', 0, [], p.fresh.findings, dir));
      continue;
    }
    refuseDirty();
    writeArtifact(opts.resultsDir, opts.profile, assembled);
    board.log(
      `↻ ${p.experiment.id}: numbers fresh; findings and pictures re-derived by the current code (${diff[0]}${diff.length > 1 ? `; and ${diff.length - 1} more` : ''})`,
    );
    outcomes.push(summaryOf(p.experiment.id, 'rederived', diff[0], 0, [], assembled.artifact.findings, dir));
  }

  const stale = plans.filter((p) => p.reason !== null);
  if (stale.length) {
    // A shard run publishes nothing; the run that assembles its jobs is refused instead.
    if (!opts.shard) refuseDirty();
    opts.beforeJobs?.();
  }
  if (stale.length && opts.prepare) await opts.prepare(stale.map((p) => p.experiment.id));
  // A stale artifact's key must be complete before its jobs are keyed by it.
  const keys = new Map<string, CacheKey>();
  for (const p of stale) keys.set(p.experiment.id, await completeKeyOf(fctx, p.experiment, 'run'));

  // Jobs: the seeds (and parts) of stale experiments that the job cache does not hold yet
  // (in a shard run: of those, the shard's own; the others' missing ones are reported).
  const jobs: Job[] = [];
  const reused = new Map<string, number[]>();
  const logCache = (line: string) => board.log(`  ${line}`);
  const owners = opts.shard ? shardAssignment(opts.profile, opts.shard.count) : null;
  const shardCached: string[] = [];
  const leftTo = new Map<number, string[]>();
  const useStages = opts.stageJobs ?? STAGE_JOB_PROFILES.includes(opts.profile);
  for (const p of stale) {
    const key = keys.get(p.experiment.id)!.key;
    const running = new Set<number>();
    for (const { seed, part, cost } of jobsOf(p.experiment, p.config)) {
      const id = jobId(p.experiment.id, seed, part);
      const outFile = jobFile(opts.cacheDir, p.experiment.id, opts.profile, key, seed, part);
      const owner = owners?.get(id) ?? null;
      const mine = owner === null || owner === opts.shard!.index;
      const cached = (!opts.force || !mine) && readJobResult(outFile, mine ? logCache : undefined) !== null;
      if (!mine) {
        if (!cached) leftTo.set(owner!, [...(leftTo.get(owner!) ?? []), id]);
        continue;
      }
      if (cached) {
        shardCached.push(id);
        continue;
      }
      running.add(seed);
      const job: Job = {
        id,
        experiment: p.experiment.id,
        profile: opts.profile,
        seed,
        part,
        outFile,
        cost,
        data: dataPathsOf(opts),
        ...(opts.run ? { run: opts.run } : {}),
      };
      const plan = useStages ? stagePlanOf(p.experiment, p.config, seed, part) : [];
      if (plan.length === 0) {
        jobs.push(job);
        continue;
      }
      // The seed's stages as jobs of their own (those not finished yet), then the seed's job, which assembles it.
      const dir = stageDir(opts.cacheDir, p.experiment.id, opts.profile, key, seed, part);
      const common = {
        experiment: p.experiment.id,
        profile: opts.profile,
        seed,
        part,
        stageDir: dir,
        checkpointSeconds: opts.checkpointSeconds,
        data: dataPathsOf(opts),
        ...(opts.run ? { run: opts.run } : {}),
      };
      const pending = new Set(plan.filter((st) => !hasFinishedStage(dir, st.stage)).map((st) => st.stage));
      const idOf = (stage: string) => stageJobId(p.experiment.id, seed, part, stage);
      for (const st of plan.filter((x) => pending.has(x.stage))) {
        jobs.push({
          ...common,
          id: idOf(st.stage),
          stage: st.stage,
          outFile: dir,
          cost: st.cost,
          after: st.after.filter((a) => pending.has(a)).map(idOf),
          needs: stageNeeds(plan, st.stage),
        });
      }
      jobs.push({ ...job, ...common, cost: 1, after: [...pending].map(idOf) });
    }
    reused.set(
      p.experiment.id,
      p.config.seeds.filter((seed) => !running.has(seed)),
    );
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
  if (jobs.length > 0 && opts.confirm) {
    const rates = new Map(stale.map((p) => [p.experiment.id, measuredRate(p.experiment, p.previous)]));
    const seconds = estimateJobSeconds(jobs, rates, opts.workers);
    const experiments = [...new Set(jobs.map((j) => j.experiment))];
    if (!(await opts.confirm({ jobs: jobs.length, seconds, experiments }))) {
      throw new UserError(
        `not started: ${jobs.length} jobs of ${experiments.join(', ')}, about ${formatSeconds(seconds)} on ${Math.max(1, opts.workers)} worker${opts.workers === 1 ? '' : 's'} (pass --yes to start them)`,
      );
    }
  }
  if (jobs.length > 0) {
    const workers = opts.workers === 0 ? 0 : Math.min(opts.workers, jobs.length);
    board.log(`running ${jobs.length} jobs ${workers === 0 ? 'in this process' : `on ${workers} worker processes`} (backend: ${opts.backend})`);
    try {
      if (workers === 0) {
        for (const job of sequentialOrder(jobs)) {
          callbacks.jobStarted(job);
          executeJob(active, job, callbacks.progress, opts.now);
          callbacks.jobDone(job);
        }
      } else {
        await runJobsInWorkers(jobs, workers, opts.backend, callbacks);
      }
    } finally {
      // Also when a job fails: its one-line error then starts on a clean line.
      board.clear();
    }
  }
  if (opts.shard) {
    const remaining = [...leftTo].sort(([a], [b]) => a - b).map(([shard, ids]) => ({ shard, jobs: ids }));
    const shard = { shard: opts.shard, ran: jobs.map((j) => j.id), cached: shardCached, remaining };
    return { outcomes, wallSeconds: opts.now() - start, shard };
  }

  for (const p of stale) {
    const key = keys.get(p.experiment.id)!;
    const results = p.config.seeds.map((seed) =>
      partsOf(p.experiment, p.config, seed).map((part) =>
        readJobResult(jobFile(opts.cacheDir, p.experiment.id, opts.profile, key.key, seed, part.id), logCache),
      ),
    );
    if (results.flat().some((r) => r === null)) throw new Error(`missing job output for ${p.experiment.id}`);
    const outputs = results.map((parts) => mergeParts(parts.map((r) => r!.output)));
    const backend = results[0][0]!.backend;
    // The time the computation took: from the jobs' recorded spans when every job has one
    // (so reused jobs count too), else from this run's own job times.
    const spans = results.flat().flatMap((r) => (r!.span ? [r!.span] : []));
    const times = [...jobTimes].filter(([id]) => id.startsWith(`${p.experiment.id}#`)).map(([, t]) => t);
    const thisRun = times.length ? Math.max(...times.map((t) => t.end)) - Math.min(...times.map((t) => t.start)) : 0;
    const wall = spans.length === results.flat().length ? busySeconds(spans) : thisRun;
    const firstStart = spans.length ? Math.min(...spans.map((s) => s.startedAtMs)) : null;
    const provenance = provenanceOf(opts, p, key, backend, outputs, wall, firstStart, gitRecord);
    const assembled = await assembleArtifact(p.experiment, p.config, outputs, provenance);
    const dir = writeArtifact(opts.resultsDir, opts.profile, assembled);
    outcomes.push(summaryOf(p.experiment.id, 'ran', p.reason!, thisRun, reused.get(p.experiment.id) ?? [], assembled.artifact.findings, dir));
  }
  const order = plans.map((p) => p.experiment.id);
  outcomes.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { outcomes, wallSeconds: opts.now() - start };
}

function provenanceOf(
  opts: RunOptions,
  p: Plan,
  key: CacheKey,
  backend: BackendInfo,
  outputs: SeedOutput[],
  wall: number,
  firstStartMs: number | null,
  git: Provenance['git'],
): Provenance {
  const stages = outputs.flatMap((o) =>
    o.stages.map((s) => ({
      seed: o.seed,
      stage: s.stage,
      seconds: round(s.seconds),
      steps: s.steps,
      stepsPerSecond: round(s.steps / Math.max(s.seconds, 1e-9)),
    })),
  );
  const finished = new Date();
  return {
    profile: opts.profile,
    config: p.config as Record<string, unknown>,
    seeds: p.config.seeds,
    backend,
    versions: { tfjs: tf.version_core, node: process.versions.node },
    git,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', platform: `${platform()} ${process.arch}`, workers: opts.workers },
    cache: key,
    dataVariant: p.experiment.dataVariant(p.config, dataPathsOf(opts)),
    // The first job's start when jobs recorded their spans (a resumed run's wall time is not the span from first to last).
    startedAt: new Date(firstStartMs ?? finished.getTime() - wall * 1000).toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: { total: round(wall), stages },
    derivation: { commit: git.commit, dirty: git.dirty, at: finished.toISOString() },
    ...(opts.run ? { run: runRecord(opts.run) } : {}),
  };
}

/** What the artifact of a named run says about it. */
function runRecord(r: NamedRun): NonNullable<Provenance['run']> {
  return { name: r.name, purpose: r.purpose, patch: r.patch };
}

/** Where the run's jobs read real data: its data directory (else as the environment or the default says) and the image cache in its cache folder. */
function dataPathsOf(opts: Pick<RunOptions, 'dataDir' | 'cacheDir' | 'imageCacheDir'>): DataPaths {
  return dataPaths({ dataDir: opts.dataDir ?? null, cacheDir: opts.cacheDir, imageCacheDir: opts.imageCacheDir }, process.env, process.cwd());
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function summaryOf(
  id: string,
  status: ExperimentOutcome['status'],
  reason: string,
  seconds: number,
  reusedSeeds: number[],
  findings: Pick<Finding, 'id' | 'holds' | 'expected' | 'kind'>[],
  dir: string,
): ExperimentOutcome {
  const of = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind);
  return {
    id,
    status,
    reason,
    seconds,
    reusedSeeds,
    dir,
    findingsHeld: findings.filter((f) => f.holds).length,
    findingsTotal: findings.length,
    claims: { held: of('claim').filter((f) => f.holds).length, total: of('claim').length },
    trends: { held: of('trend').filter((f) => f.holds).length, total: of('trend').length },
    checks: { held: of('check').filter((f) => f.holds).length, total: of('check').length },
    findingsExpectedButFailed: findings.filter((f) => f.expected && !f.holds).map((f) => f.id),
  };
}
