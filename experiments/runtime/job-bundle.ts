// Job bundles carry a shard's finished jobs to the machine that assembles the
// artifacts. A bundle is one JSON file (gzipped when its name ends in .gz):
//   {"format":"modularity-job-bundle","version":2,"entries":[
//     {"experiment","profile","key" (the full cache key),"seed","part","job": <a job file's text>}, …,
//     {"kind":"stage","experiment","profile","key","seed","part","stage","file":"finished"|"checkpoint","text": <a stage file's text>}, …]}
// Stage entries carry the progress of jobs that have not finished (stage jobs,
// runtime/stage-jobs.ts): their finished stages, and for a stage still training
// its latest checkpoint, so that a run stopped at the end of a session goes on
// elsewhere. Version 1 bundles (jobs only) are read as well.
// Each `job` is exactly what writeJobResult writes (rows and bit-packed masks
// as base64, with the digest of its output), kept as a string so that the
// digest can be checked on the text it was taken of. Export takes the current
// keys (as a run would) and bundles the valid job files filed under them;
// merge checks every entry of every bundle first (shape, a job the code here
// knows, the job file checks of parseJobResult, the seed it claims) and writes
// nothing unless all pass. Both hold the run lock of the cache folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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
import { configOn, type AnyExperiment } from '../tasks/experiment.ts';
import { stagePlanOf } from './stage-jobs.ts';
import { parseStageFile, stageDir, stageFileName } from './stage-store.ts';

const FORMAT = 'modularity-job-bundle';

const bundleSchema = z.object({ format: z.literal(FORMAT), version: z.union([z.literal(1), z.literal(2)]), entries: z.array(z.unknown()) }).strict();
const where = {
  experiment: z.string(),
  profile: z.string(),
  key: z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256'),
  seed: z.number().int(),
  part: z.string().nullable(),
};
const jobEntrySchema = z.object({ ...where, job: z.string() }).strict();
const stageEntrySchema = z
  .object({ kind: z.literal('stage'), ...where, stage: z.string(), file: z.enum(['finished', 'checkpoint']), text: z.string() })
  .strict();
type JobEntry = z.infer<typeof jobEntrySchema>;
type StageEntry = z.infer<typeof stageEntrySchema>;
type Entry = JobEntry | StageEntry;

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
    const selected = selectExperiments(o.only, o.profile).filter((e) => ['jobs', 'stages'].some((d) => existsSync(join(o.cacheDir, d, e.id, o.profile))));
    if (selected.length) await o.prepare?.(selected.map((e) => e.id));
    const backend = await initBackend(o.backend);
    const ctx = {
      profile: o.profile,
      experimentsRoot: o.experimentsRoot,
      cacheDir: o.cacheDir,
      dataDir: o.dataDir,
      backend,
      dataReady: async () => true,
      log: o.log,
    };
    const entries: Entry[] = [];
    let stageFiles = 0;
    for (const e of selected) {
      const key = (await completeKeyOf(ctx, e, 'export')).key;
      const config = configFor(e, o.profile);
      const [found, missing, partly]: [string[], string[], string[]] = [[], [], []];
      for (const { seed, part } of jobsOf(e, config)) {
        const result = readJobResult(jobFile(o.cacheDir, e.id, o.profile, key, seed, part), o.log);
        (result ? found : missing).push(jobId(e.id, seed, part));
        if (result) {
          entries.push({ experiment: e.id, profile: o.profile, key, seed, part, job: encodeJobResult(result) });
          continue;
        }
        // An unfinished job's progress: its finished stages, and a training stage's latest checkpoint.
        const dir = stageDir(o.cacheDir, e.id, o.profile, key, seed, part);
        const done: string[] = [];
        for (const { stage } of stagePlanOf(e, config, seed, part)) {
          for (const file of ['finished', 'checkpoint'] as const) {
            const path = join(dir, stageFileName(stage, file));
            if (!existsSync(path)) continue;
            const text = readFileSync(path, 'utf8');
            if ('problem' in parseStageFile(text)) {
              o.log(`stage file ${path} is not valid: left out`);
              continue;
            }
            entries.push({ kind: 'stage', experiment: e.id, profile: o.profile, key, seed, part, stage, file, text });
            done.push(file === 'finished' ? stage : `${stage} (checkpoint)`);
            stageFiles++;
            break;
          }
        }
        if (done.length) partly.push(`${jobId(e.id, seed, part)}: ${done.join(', ')}`);
      }
      o.log(
        `${e.id} (key ${key.slice(0, 12)}): ${found.length ? found.join(', ') : 'no finished job'}${missing.length ? `; not in this cache: ${missing.join(', ')}` : ''}`,
      );
      if (partly.length) o.log(`  stages of unfinished jobs: ${partly.join('; ')}`);
    }
    const text = JSON.stringify({ format: FORMAT, version: 2, entries });
    const bytes = o.to.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text;
    writeFileAtomic(o.to, bytes);
    o.log(
      `wrote ${entries.length - stageFiles} job results${stageFiles ? ` and ${stageFiles} stage files` : ''} to ${o.to} (${(Buffer.byteLength(bytes) / 1024).toFixed(1)} KiB)`,
    );
    return entries.length - stageFiles;
  } finally {
    lock.release();
  }
}

interface Accepted {
  id: string;
  path: string;
  result: JobResult;
}

interface AcceptedStage {
  id: string;
  path: string;
  /** The finished file beside a checkpoint's path (a checkpoint is not merged where its stage is finished). */
  finishedPath: string;
  file: 'finished' | 'checkpoint';
  text: string;
  /** A checkpoint's step (the later one wins). */
  step: number;
}

/** The job an entry names, checked to be one the code here would run (which also keeps every path inside the cache folder). */
type KnownJob = { id: string; e: AnyExperiment; profile: ProfileName; config: unknown } | { id?: string; problem: string };

function knownJob(d: { experiment: string; profile: string; seed: number; part: string | null }): KnownJob {
  const e = EXPERIMENTS.find((x) => x.id === d.experiment);
  if (!e) return { problem: `unknown experiment "${d.experiment}"` };
  const known = profileNameSchema.safeParse(d.profile);
  if (!known.success) return { problem: `unknown profile "${d.profile}"` };
  const id = jobId(d.experiment, d.seed, d.part);
  const config = configOn(e, known.data);
  if (!config || !jobsOf(e, config).some((j) => j.seed === d.seed && j.part === d.part))
    return { id, problem: `not a job of ${d.experiment} on profile ${d.profile}` };
  return { id, e, profile: known.data, config };
}

/** One entry checked: where it goes and what it holds, or why it is refused (naming the job when it got that far). */
function checkEntry(raw: unknown, cacheDir: string): Accepted | AcceptedStage | { id?: string; problem: string } {
  if ((raw as { kind?: unknown })?.kind === 'stage') return checkStageEntry(raw, cacheDir);
  const parsed = jobEntrySchema.safeParse(raw);
  if (!parsed.success) return { problem: `not a bundle entry (${parsed.error.issues[0].path.join('.') || 'entry'}: ${parsed.error.issues[0].message})` };
  const { experiment, key, seed, part, job } = parsed.data;
  const k = knownJob(parsed.data);
  if ('problem' in k) return { id: k.id, problem: k.problem };
  const checked = parseJobResult(job);
  if ('problem' in checked) return { id: k.id, problem: checked.problem };
  if (checked.result.output.seed !== seed) return { id: k.id, problem: `its output is seed ${checked.result.output.seed}'s` };
  return { id: k.id, path: jobFile(cacheDir, experiment, k.profile, key, seed, part), result: checked.result };
}

function checkStageEntry(raw: unknown, cacheDir: string): AcceptedStage | { id?: string; problem: string } {
  const parsed = stageEntrySchema.safeParse(raw);
  if (!parsed.success) return { problem: `not a stage entry (${parsed.error.issues[0].path.join('.') || 'entry'}: ${parsed.error.issues[0].message})` };
  const { experiment, key, seed, part, stage, file, text } = parsed.data;
  const k = knownJob(parsed.data);
  if ('problem' in k) return { id: k.id, problem: k.problem };
  const id = `${k.id}@${stage}`;
  if (!stagePlanOf(k.e, k.config, seed, part).some((p) => p.stage === stage)) return { id, problem: `not a stage of ${k.id}` };
  const checked = parseStageFile<{ step?: unknown }>(text);
  if ('problem' in checked) return { id, problem: checked.problem };
  const step = file === 'checkpoint' ? checked.value?.step : 0;
  if (typeof step !== 'number' || !Number.isInteger(step)) return { id, problem: 'a checkpoint without its step' };
  const dir = stageDir(cacheDir, experiment, k.profile, key, seed, part);
  return { id, path: join(dir, stageFileName(stage, file)), finishedPath: join(dir, stageFileName(stage, 'finished')), file, text, step };
}

/** A checkpoint's step in the file at `path`, or -1 where there is none (or it is not valid). */
function checkpointStep(path: string): number {
  if (!existsSync(path)) return -1;
  const c = parseStageFile<{ step?: unknown }>(readFileSync(path, 'utf8'));
  return 'value' in c && typeof c.value?.step === 'number' ? c.value.step : -1;
}

const validStageFile = (path: string) => existsSync(path) && 'value' in parseStageFile(readFileSync(path, 'utf8'));

function entriesOf(file: string): unknown[] | string {
  let raw: unknown;
  try {
    if (statSync(file).isDirectory()) return 'is a folder, not a bundle';
    const bytes = readFileSync(file);
    raw = JSON.parse((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code ? `cannot be read (${e.code})` : `not a job bundle (not JSON: ${e.message.split('\n')[0]})`;
  }
  const bundle = bundleSchema.safeParse(raw);
  return bundle.success ? bundle.data.entries : `not a job bundle (expected {"format":"${FORMAT}","version":2,"entries":[…]})`;
}

/**
 * Imports the entries of `files` into the job cache. Every entry is checked
 * first; any refused: a UserError with one line per refused entry, and nothing
 * is written. An entry whose job the cache already holds (valid) is skipped.
 */
export function mergeBundles(files: string[], cacheDir: string, log: (line: string) => void): { written: number; present: number; stageFiles: number } {
  const accepted = new Map<string, Accepted>();
  const stages = new Map<string, AcceptedStage>();
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
      else if ('result' in c) {
        if (!accepted.has(c.path)) accepted.set(c.path, c);
      } else if ((stages.get(c.path)?.step ?? -1) < c.step) stages.set(c.path, c);
    });
  }
  if (refused.length) throw new UserError(`${refused.join('\nerror: ')} (nothing merged)`);
  const lock = acquireRunLock([cacheDir]);
  let written = 0;
  let stageFiles = 0;
  try {
    for (const a of accepted.values()) {
      if (readJobResult(a.path)) continue; // An invalid file there is replaced.
      writeJobResult(a.path, a.result);
      written++;
    }
    for (const s of stages.values()) {
      // A finished stage is kept where it is there already; a checkpoint only where its stage is not finished and it is later.
      if (s.file === 'finished' ? validStageFile(s.path) : validStageFile(s.finishedPath) || checkpointStep(s.path) >= s.step) continue;
      writeFileAtomic(s.path, s.text);
      stageFiles++;
    }
  } finally {
    lock.release();
  }
  const present = accepted.size - written;
  log(
    `merged ${written} job results${stageFiles ? ` and ${stageFiles} stage files` : ''} into ${cacheDir}${present ? ` (${present} job results were there already)` : ''}`,
  );
  return { written, present, stageFiles };
}
