// A run is a list of independent jobs: one (experiment, profile, seed, part) each.
// Jobs write their output to the job cache, keyed by the experiment's cache
// key, so a killed build reuses the seeds that finished.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendInfo, ProfileName } from '../artifacts/schema.ts';
import { decodeParsedSeedOutput, encodeSeedOutput } from '../artifacts/seed-output-codec.ts';
import type { SeedOutput } from '../tasks/experiment.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { Span } from './busy-time.ts';

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

export function jobId(experiment: string, seed: number, part: string | null): string {
  return `${experiment}#${seed}${part === null ? '' : `/${part}`}`;
}

/** One seed's output from the outputs of its parts: rows concatenated in part order. */
export function mergeParts(outputs: SeedOutput[]): SeedOutput {
  if (outputs.length === 1) return outputs[0];
  const [first] = outputs;
  const cat = <K extends keyof SeedOutput>(k: K) => outputs.flatMap((o) => (o[k] ?? []) as unknown[]) as SeedOutput[K];
  return {
    seed: first.seed,
    pretrain: cat('pretrain'), accuracy: cat('accuracy'), weightsKept: cat('weightsKept'), overlap: cat('overlap'),
    confusion: cat('confusion'), histograms: cat('histograms'), masks: cat('masks'), stages: cat('stages'),
    tokenRemoval: cat('tokenRemoval'),
  };
}

export function writeJobResult(path: string, result: JobResult): void {
  const span = result.span ? `,"span":${JSON.stringify(result.span)}` : '';
  writeFileAtomic(path, `{"backend":${JSON.stringify(result.backend)}${span},"output":${encodeSeedOutput(result.output)}}`);
}

export function readJobResult(path: string): JobResult | null {
  if (!existsSync(path)) return null;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { backend: BackendInfo; span?: Span; output: Parameters<typeof decodeParsedSeedOutput>[0] };
    return { backend: raw.backend, output: decodeParsedSeedOutput(raw.output), ...(raw.span ? { span: raw.span } : {}) };
  } catch {
    return null; // A corrupt cache entry is simply recomputed.
  }
}
