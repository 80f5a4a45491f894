// A run is a list of independent jobs: one (experiment, profile, seed, part) each.
// Jobs write their output to the job cache, keyed by the experiment's cache
// key, so a killed build reuses the seeds that finished.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { backendInfoSchema, type BackendInfo, type ProfileName } from '../artifacts/schema.ts';
import { decodeParsedSeedOutput, encodedSeedOutputSchema, encodeSeedOutput } from '../artifacts/seed-output-codec.ts';
import type { AnyExperiment, JobPart, SeedOutput } from '../tasks/experiment.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { Span } from './busy-time.ts';
import type { DataPaths } from '../data/images/data-dir.ts';
import { NonFiniteError } from './errors.ts';
import type { NamedRun } from '../runs/named-run.ts';

export interface Job {
  id: string;
  experiment: string;
  profile: ProfileName;
  seed: number;
  /** The part of the seed's work (Experiment.parts), or null for all of it. */
  part: string | null;
  /** Where the job writes its output. */
  outFile: string;
  /** Rough cost in steps, to start the longest jobs first. */
  cost: number;
  /** A stage job: the stage of the seed (and part) it computes (Experiment.stages); null: the job that runs, or assembles, the whole of it. */
  stage?: string | null;
  /** Ids of the jobs of this run that must be done before this one starts. */
  after?: string[];
  /** The seed's (and part's) stage store (stage-store.ts stageDir); absent: none, every stage just runs. */
  stageDir?: string;
  /** In a stage job: the other stages its stage needs, directly or not (they are computed if not there). */
  needs?: string[];
  /** With a stage store: a mask stage saves a checkpoint at most this often (wall seconds). */
  checkpointSeconds?: number;
  /** Where the job reads real data (JobContext.data). */
  data?: DataPaths;
  /** A named run (runs/): the job's config is the run's patch on the profile's. */
  run?: NamedRun;
}

export interface JobResult {
  backend: BackendInfo;
  output: SeedOutput;
  /** When the job ran (absent in job files written before spans were recorded). */
  span?: Span;
}

export function jobFile(cacheDir: string, experiment: string, profile: ProfileName, key: string, seed: number, part: string | null): string {
  return join(cacheDir, 'jobs', experiment, profile, key.slice(0, 16), `seed-${seed}${part === null ? '' : `-${part}`}.json`);
}

/** Rough cost of one seed in arithmetic-MLP optimizer steps, to start long jobs first. */
function costOf(experiment: AnyExperiment, config: unknown): number {
  if (experiment.cost) return experiment.cost(config);
  const c = config as { pretrain?: { steps: number }; mask?: { steps: number } };
  return (c.pretrain?.steps ?? 0) + 4 * (c.mask?.steps ?? 0);
}

/** The parts of one seed's work: the experiment's, or the whole seed as one part (id null). */
export function partsOf(experiment: AnyExperiment, config: unknown, seed: number): (Omit<JobPart, 'id'> & { id: string | null })[] {
  return experiment.parts?.(config, seed) ?? [{ id: null, cost: costOf(experiment, config) }];
}

/** Every job of an experiment on a profile's config: each seed (config order) × each of its parts (parts order). */
export function jobsOf(experiment: AnyExperiment, config: { seeds: number[] }): { seed: number; part: string | null; cost: number }[] {
  return config.seeds.flatMap((seed) => partsOf(experiment, config, seed).map((p) => ({ seed, part: p.id, cost: p.cost })));
}

export function jobId(experiment: string, seed: number, part: string | null): string {
  return `${experiment}#${seed}${part === null ? '' : `/${part}`}`;
}

/** A stage job's id: its seed's (and part's) job id, "@", the stage ("double-add#1@copy-weight/pair1"). */
export function stageJobId(experiment: string, seed: number, part: string | null, stage: string): string {
  return `${jobId(experiment, seed, part)}@${stage}`;
}

/** One seed's output from the outputs of its parts: rows concatenated in part order. */
export function mergeParts(outputs: SeedOutput[]): SeedOutput {
  if (outputs.length === 1) return outputs[0];
  const [first] = outputs;
  const cat = <K extends keyof SeedOutput>(k: K) => outputs.flatMap((o) => (o[k] ?? []) as unknown[]) as SeedOutput[K];
  return {
    seed: first.seed,
    pretrain: cat('pretrain'),
    accuracy: cat('accuracy'),
    weightsKept: cat('weightsKept'),
    overlap: cat('overlap'),
    confusion: cat('confusion'),
    histograms: cat('histograms'),
    masks: cat('masks'),
    stages: cat('stages'),
    tokenRemoval: cat('tokenRemoval'),
    // Only when a part recorded curves, so that outputs without them assemble as before.
    ...(outputs.some((o) => o.curve) ? { curve: cat('curve') } : {}),
  };
}

/**
 * The first number in `value` that is NaN or ±Infinity, as "path is NaN"; null
 * when there is none. A null counts too: JSON writes NaN and ±Infinity as null,
 * and no field of a job's output is null otherwise. Byte arrays (packed masks)
 * hold no such numbers and are skipped.
 */
export function firstNonFinite(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (value === null) return `${path} is null (NaN or Infinity in JSON)`;
  if (typeof value !== 'object' || ArrayBuffer.isView(value)) return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const);
  for (const [key, v] of entries) {
    const found = firstNonFinite(v, `${path}${key}`);
    if (found) return found;
  }
  return null;
}

/** Why `output` must not be cached, in one line; null when it is fine. */
export function outputProblem(output: SeedOutput): { nonFinite: boolean; message: string } | null {
  const nonFinite = firstNonFinite(output, 'output');
  if (nonFinite) return { nonFinite: true, message: nonFinite };
  const parsed = encodedSeedOutputSchema.safeParse(JSON.parse(encodeSeedOutput(output as SeedOutput)));
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return { nonFinite: false, message: `output.${issue.path.join('.')}: ${issue.message}` };
}

// A job file: {"backend":…,"span":…,"digest":"<sha256 of the output text>","output":…}.
// The digest makes an edited or damaged entry visible; it is recomputed then.
/**
 * Writes a job's result to the cache, after checking that every number of its
 * output is finite and every row valid: a diverged run is never cached (it
 * throws NonFiniteError, one line, and writes nothing; a row that breaks the
 * schema is a bug and throws a plain Error).
 */
export function writeJobResult(path: string, result: JobResult): void {
  const problem = outputProblem(result.output);
  if (problem) {
    const message = `not caching the job's result: ${problem.message}`;
    throw problem.nonFinite ? new NonFiniteError(message) : new Error(message);
  }
  writeFileAtomic(path, encodeJobResult(result));
}

/** A job file's text (what writeJobResult writes; also a job bundle's entry, runtime/job-bundle.ts). */
export function encodeJobResult(result: JobResult): string {
  const span = result.span ? `,"span":${JSON.stringify(result.span)}` : '';
  const output = encodeSeedOutput(result.output);
  return `{"backend":${JSON.stringify(result.backend)}${span},"digest":"${digest(output)}","output":${output}}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const OUTPUT_AT = /,"output":/;

/**
 * A job-cache entry, or null when absent or not valid (parseJobResult). An
 * invalid entry is reported through `log` (one line) and then recomputed by the caller.
 */
export function readJobResult(path: string, log: (line: string) => void = () => {}): JobResult | null {
  if (!existsSync(path)) return null;
  let parsed: ReturnType<typeof parseJobResult>;
  try {
    parsed = parseJobResult(readFileSync(path, 'utf8'));
  } catch (err) {
    parsed = { problem: `unreadable: ${(err as Error).message.split('\n')[0]}` };
  }
  if ('problem' in parsed) log(`job cache entry ${path} is not valid (${parsed.problem}): recomputing it`);
  return 'result' in parsed ? parsed.result : null;
}

const isSpan = (s: unknown): s is Span =>
  typeof s === 'object' && s !== null && Number.isFinite((s as Span).startedAtMs) && Number.isFinite((s as Span).finishedAtMs);

/**
 * A job file's text checked: parseable, with a digest that its output matches,
 * every number finite, backend and output (and span, when present) of the
 * right shape; else why not, in a few words.
 */
export function parseJobResult(text: string): { result: JobResult } | { problem: string } {
  let raw: { backend: unknown; span?: unknown; digest?: unknown; output: unknown };
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message.split('\n')[0]}` };
  }
  const at = text.search(OUTPUT_AT);
  if (typeof raw?.digest !== 'string' || at < 0) return { problem: 'no digest' };
  if (digest(text.slice(at + ',"output":'.length, text.lastIndexOf('}'))) !== raw.digest) return { problem: 'its output does not match its digest' };
  const nonFinite = firstNonFinite(raw.output, 'output');
  if (nonFinite) return { problem: nonFinite };
  const backend = backendInfoSchema.safeParse(raw.backend);
  const output = encodedSeedOutputSchema.safeParse(raw.output);
  if (!backend.success) return { problem: `backend: ${backend.error.issues[0].message}` };
  if (!output.success) return { problem: `output.${output.error.issues[0].path.join('.')}: ${output.error.issues[0].message}` };
  if (raw.span !== undefined && !isSpan(raw.span)) return { problem: 'span: not {startedAtMs, finishedAtMs}' };
  return { result: { backend: backend.data, output: decodeParsedSeedOutput(output.data), ...(isSpan(raw.span) ? { span: raw.span } : {}) } };
}
