// Job bundles carry a shard's finished jobs to the machine that assembles the
// artifacts. A bundle is one JSON file:
//   {"format":"modularity-job-bundle","version":1,"entries":[
//     {"experiment","profile","key" (the full cache key),"seed","part","job": <a job file's text>}, …]}
// Each `job` is exactly what writeJobResult writes (rows and bit-packed masks
// as base64, with the digest of its output), kept as a string so that the
// digest can be checked on the text it was taken of. Export takes the current
// keys (as a run would) and bundles the valid job files filed under them;
// merge checks every entry of every bundle first (shape, a job the code here
// knows, the job file checks of parseJobResult, the seed it claims) and writes
// nothing unless all pass. Both hold the run lock of the cache folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProfileName } from '../artifacts/schema.ts';
import { profileNameSchema } from '../artifacts/schema.ts';
import { configFor, EXPERIMENTS, selectExperiments } from '../tasks/registry.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { initBackend, type BackendChoice } from './backend.ts';
import { UserError } from './errors.ts';
import { completeKeyOf } from './freshness.ts';
import { encodeJobResult, jobFile, jobId, jobsOf, parseJobResult, readJobResult, writeJobResult, type JobResult } from './jobs.ts';
import { acquireRunLock } from './run-lock.ts';
import { configOn } from '../tasks/experiment.ts';

const FORMAT = 'modularity-job-bundle';

const bundleSchema = z.object({ format: z.literal(FORMAT), version: z.literal(1), entries: z.array(z.unknown()) }).strict();
const entrySchema = z.object({
  experiment: z.string(), profile: z.string(), key: z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256'),
  seed: z.number().int(), part: z.string().nullable(), job: z.string(),
}).strict();
type Entry = z.infer<typeof entrySchema>;

export interface ExportOptions {
  profile: ProfileName;
  only: string[] | null;
  backend: BackendChoice;
  cacheDir: string;
  dataDir: string | null;
  experimentsRoot: string;
  /** The bundle file to write. */
  to: string;
  /** Makes datasets ready (the data digest and fingerprint of the key need them). */
  prepare?: (experimentIds: string[]) => Promise<void>;
  log: (line: string) => void;
}

/** Writes the valid job files of the current keys of the selected experiments into one bundle; returns how many. */
export async function exportJobs(o: ExportOptions): Promise<number> {
  const lock = acquireRunLock([o.cacheDir]);
  try {
    // Only experiments with job files of this profile at all: the others' keys (a fingerprint run each) are not needed.
    const selected = selectExperiments(o.only, o.profile).filter((e) => existsSync(join(o.cacheDir, 'jobs', e.id, o.profile)));
    if (selected.length) await o.prepare?.(selected.map((e) => e.id));
    const backend = await initBackend(o.backend);
    const ctx = { profile: o.profile, experimentsRoot: o.experimentsRoot, cacheDir: o.cacheDir, dataDir: o.dataDir, backend, dataReady: async () => true, log: o.log };
    const entries: Entry[] = [];
    for (const e of selected) {
      const key = (await completeKeyOf(ctx, e, 'export')).key;
      const [found, missing]: [string[], string[]] = [[], []];
      for (const { seed, part } of jobsOf(e, configFor(e, o.profile))) {
        const result = readJobResult(jobFile(o.cacheDir, e.id, o.profile, key, seed, part), o.log);
        (result ? found : missing).push(jobId(e.id, seed, part));
        if (result) entries.push({ experiment: e.id, profile: o.profile, key, seed, part, job: encodeJobResult(result) });
      }
      o.log(`${e.id} (key ${key.slice(0, 12)}): ${found.length ? found.join(', ') : 'no finished job'}${missing.length ? `; not in this cache: ${missing.join(', ')}` : ''}`);
    }
    const text = JSON.stringify({ format: FORMAT, version: 1, entries });
    writeFileAtomic(o.to, text);
    o.log(`wrote ${entries.length} job results to ${o.to} (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB)`);
    return entries.length;
  } finally {
    lock.release();
  }
}

interface Accepted {
  id: string;
  path: string;
  result: JobResult;
}

/** One entry checked: where it goes and what it holds, or why it is refused (naming the job when it got that far). */
function checkEntry(raw: unknown, cacheDir: string): Accepted | { id?: string; problem: string } {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return { problem: `not a bundle entry (${parsed.error.issues[0].path.join('.') || 'entry'}: ${parsed.error.issues[0].message})` };
  const { experiment, profile, key, seed, part, job } = parsed.data;
  const e = EXPERIMENTS.find((x) => x.id === experiment);
  if (!e) return { problem: `unknown experiment "${experiment}"` };
  const known = profileNameSchema.safeParse(profile);
  if (!known.success) return { problem: `unknown profile "${profile}"` };
  const id = jobId(experiment, seed, part);
  // Only jobs the code here would run: this also keeps every path inside the cache folder.
  const config = configOn(e, known.data);
  if (!config || !jobsOf(e, config).some((j) => j.seed === seed && j.part === part)) return { id, problem: `not a job of ${experiment} on profile ${profile}` };
  const checked = parseJobResult(job);
  if ('problem' in checked) return { id, problem: checked.problem };
  if (checked.result.output.seed !== seed) return { id, problem: `its output is seed ${checked.result.output.seed}'s` };
  return { id, path: jobFile(cacheDir, experiment, known.data, key, seed, part), result: checked.result };
}

function entriesOf(file: string): unknown[] | string {
  let raw: unknown;
  try {
    if (statSync(file).isDirectory()) return 'is a folder, not a bundle';
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code ? `cannot be read (${e.code})` : `not a job bundle (not JSON: ${e.message.split('\n')[0]})`;
  }
  const bundle = bundleSchema.safeParse(raw);
  return bundle.success ? bundle.data.entries : `not a job bundle (expected {"format":"${FORMAT}","version":1,"entries":[…]})`;
}

/**
 * Imports the entries of `files` into the job cache. Every entry is checked
 * first; any refused: a UserError with one line per refused entry, and nothing
 * is written. An entry whose job the cache already holds (valid) is skipped.
 */
export function mergeBundles(files: string[], cacheDir: string, log: (line: string) => void): { written: number; present: number } {
  const accepted = new Map<string, Accepted>();
  const refused: string[] = [];
  for (const file of files) {
    const entries = entriesOf(file);
    if (typeof entries === 'string') {
      refused.push(`${file}: ${entries}`);
      continue;
    }
    entries.forEach((raw, i) => {
      const c = checkEntry(raw, cacheDir);
      if ('problem' in c) refused.push(`${file}: entry ${i + 1}${c.id ? ` (${c.id})` : ''}: ${c.problem}`);
      else if (!accepted.has(c.path)) accepted.set(c.path, c);
    });
  }
  if (refused.length) throw new UserError(`${refused.join('\nerror: ')} (nothing merged)`);
  const lock = acquireRunLock([cacheDir]);
  let written = 0;
  try {
    for (const a of accepted.values()) {
      if (readJobResult(a.path)) continue; // An invalid file there is replaced.
      writeJobResult(a.path, a.result);
      written++;
    }
  } finally {
    lock.release();
  }
  const present = accepted.size - written;
  log(`merged ${written} job results into ${join(cacheDir, 'jobs')}${present ? ` (${present} were there already)` : ''}`);
  return { written, present };
}
