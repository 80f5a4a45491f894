// A run is a list of independent jobs: one (experiment, profile, seed) each.
// Jobs write their output to the job cache, keyed by the experiment's cache
// key, so a killed build reuses the seeds that finished.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendInfo, ProfileName } from '../artifacts/schema.ts';
import { decodeParsedSeedOutput, encodeSeedOutput } from '../artifacts/seed-output-codec.ts';
import type { SeedOutput } from '../tasks/experiment.ts';
import { writeFileAtomic } from './atomic-write.ts';

export interface Job {
  id: string;
  experiment: string;
  profile: ProfileName;
  seed: number;
  /** Where the job writes its output. */
  outFile: string;
  /** Rough cost in steps, to start the longest jobs first. */
  cost: number;
}

export interface JobResult {
  backend: BackendInfo;
  output: SeedOutput;
}

export function jobFile(cacheDir: string, experiment: string, profile: ProfileName, key: string, seed: number): string {
  return join(cacheDir, 'jobs', experiment, profile, key.slice(0, 16), `seed-${seed}.json`);
}

export function writeJobResult(path: string, result: JobResult): void {
  writeFileAtomic(path, `{"backend":${JSON.stringify(result.backend)},"output":${encodeSeedOutput(result.output)}}`);
}

export function readJobResult(path: string): JobResult | null {
  if (!existsSync(path)) return null;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { backend: BackendInfo; output: Parameters<typeof decodeParsedSeedOutput>[0] };
    return { backend: raw.backend, output: decodeParsedSeedOutput(raw.output) };
  } catch {
    return null; // A corrupt cache entry is simply recomputed.
  }
}
