// What one job (a seed, or a part of one) keeps between its pieces, so that the
// pieces can run as jobs of their own and a killed run loses minutes, not a stage:
//   finished stages   the value a stage computed (pre-trained weights; a mask
//                     stage's logits and curve measurements) and its wall time;
//   checkpoints       a mask stage's state every few minutes while it trains.
// Keyed by stage name (StageTimer's names are unique within a job). On disk
// under the job cache, beside the job files and keyed like them, so a stale
// cache key never reads another configuration's stages. Each file carries the
// digest of its text: a damaged one is reported and computed again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileName } from '../artifacts/schema.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeHostTree, encodeHostTree } from './host-tree.ts';

/** A finished stage: what it computed and how long it took (the assembled seed reports the original times). */
export interface FinishedStage<T = unknown> {
  value: T;
  seconds: number;
  steps: number;
}

export interface StageStore {
  finished<T>(stage: string): FinishedStage<T> | null;
  finish(stage: string, done: FinishedStage): void;
  checkpoint<T>(stage: string): T | null;
  saveCheckpoint(stage: string, state: unknown): void;
  dropCheckpoint(stage: string): void;
}

/**
 * How a job uses its store. `target`: in a stage job, the one stage it
 * computes (it stops once that stage is finished, StageJobDone); null in the
 * job that assembles the seed from its finished stages (computing any that are
 * missing). `needs(stage)`: in a stage job, whether a stage other than the
 * target must be there first (pre-training; CIFAR's control before a removal
 * stage); a mask stage it does not need is skipped.
 */
export interface StageContext {
  store: StageStore;
  target: string | null;
  needs(stage: string): boolean;
  /** Whether a mask stage at `step` saves a checkpoint now (every few minutes of wall time). */
  checkpointDue(step: number): boolean;
}

/** Thrown by a stage job once its target stage is finished and stored: the job is done. */
export class StageJobDone extends Error {
  constructor(readonly stage: string) {
    super(`stage ${stage} finished`);
  }
}

export function stageDir(cacheDir: string, experiment: string, profile: ProfileName, key: string, seed: number, part: string | null): string {
  return join(cacheDir, 'stages', experiment, profile, key.slice(0, 16), `seed-${seed}${part === null ? '' : `-${part}`}`);
}

/** A stage name as a file name ("copy-weight/pair1" → "copy-weight%2Fpair1"). */
export function stageFileName(stage: string, kind: 'finished' | 'checkpoint'): string {
  return `${encodeURIComponent(stage)}.${kind}.json`;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** A stage file's text checked: its digest line matches its body, which decodes; else why not. */
/** Whether a stage file's text matches the digest on its first line. */
function digestMatches(text: string): boolean {
  const nl = text.indexOf('\n');
  return nl === 64 && digest(text.slice(nl + 1)) === text.slice(0, 64);
}

export function parseStageFile<T>(text: string): { value: T } | { problem: string } {
  const body = text.slice(text.indexOf('\n') + 1);
  if (!digestMatches(text)) return { problem: 'its text does not match its digest' };
  try {
    return { value: decodeHostTree<T>(body) };
  } catch (err) {
    return { problem: (err as Error).message.split('\n')[0] };
  }
}

function readChecked<T>(path: string, log: (line: string) => void): T | null {
  if (!existsSync(path)) return null;
  let parsed: { value: T } | { problem: string };
  try {
    parsed = parseStageFile<T>(readFileSync(path, 'utf8'));
  } catch (err) {
    parsed = { problem: `unreadable: ${(err as Error).message.split('\n')[0]}` };
  }
  if ('value' in parsed) return parsed.value;
  log(`stage file ${path} is not valid (${parsed.problem}): computing it again`);
  return null;
}

/** The text of a stage file (what the store writes), for a bundle. */
export function stageFileText(value: unknown): string {
  const body = encodeHostTree(value);
  return `${digest(body)}\n${body}`;
}

function writeChecked(path: string, value: unknown): void {
  writeFileAtomic(path, stageFileText(value));
}

/** The store of one job, in `dir` (stageDir). */
export function fileStageStore(dir: string, log: (line: string) => void = () => {}): StageStore {
  const file = (stage: string, kind: 'finished' | 'checkpoint') => join(dir, stageFileName(stage, kind));
  return {
    finished: <T>(stage: string) => readChecked<FinishedStage<T>>(file(stage, 'finished'), log),
    finish: (stage, done) => writeChecked(file(stage, 'finished'), done),
    checkpoint: <T>(stage: string) => readChecked<T>(file(stage, 'checkpoint'), log),
    saveCheckpoint: (stage, state) => writeChecked(file(stage, 'checkpoint'), state),
    // Our own cache file, superseded by the finished stage.
    dropCheckpoint: (stage) => rmSync(file(stage, 'checkpoint'), { force: true }),
  };
}

/** Whether a finished stage's file is there and valid (the scheduler's "is this stage job done?"). */
export function hasFinishedStage(dir: string, stage: string): boolean {
  // Planning asks this of every stage of every seed: the digest is checked, the (megabytes of) contents are decoded only by the job that reads them.
  const path = join(dir, stageFileName(stage, 'finished'));
  if (!existsSync(path)) return false;
  try {
    return digestMatches(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/** A store in memory, encoded like the files (so a test sees what a resumed job would read). */
export function memoryStageStore(): StageStore & { files: Map<string, string> } {
  const files = new Map<string, string>();
  const read = <T>(k: string) => (files.has(k) ? decodeHostTree<T>(files.get(k)!) : null);
  return {
    files,
    finished: <T>(stage: string) => read<FinishedStage<T>>(`${stage}.finished`),
    finish: (stage, done) => void files.set(`${stage}.finished`, encodeHostTree(done)),
    checkpoint: <T>(stage: string) => read<T>(`${stage}.checkpoint`),
    saveCheckpoint: (stage, state) => void files.set(`${stage}.checkpoint`, encodeHostTree(state)),
    dropCheckpoint: (stage) => void files.delete(`${stage}.checkpoint`),
  };
}
