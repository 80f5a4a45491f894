// The cache key of an experiment's artifact: a hash of the resolved config, of
// the code that computes the result, and of the data version. Each part is
// stored, so a stale artifact can say *why* it is stale.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ProfileName } from '../artifacts/schema.ts';
import { SCHEMA_VERSION } from '../artifacts/schema.ts';

export interface CacheKey {
  key: string;
  config: string;
  code: string;
  data: string;
}

function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Folders whose every file can change a result; plus single files. */
const SHARED_CODE_DIRS = ['masking', 'models', 'train', 'data', 'analysis', 'artifacts'];
const SHARED_CODE_FILES = ['runtime/rng.ts', 'tasks/experiment.ts', 'tasks/finding-helpers.ts', 'tasks/mlp-profiles.ts'];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** The files whose content enters an experiment's code hash, relative to experimentsRoot, sorted. */
export function codeFilesOf(experimentsRoot: string, experimentId: string): string[] {
  const files = [
    ...SHARED_CODE_DIRS.flatMap((d) => listFiles(join(experimentsRoot, d))),
    ...SHARED_CODE_FILES.map((f) => join(experimentsRoot, f)),
    join(experimentsRoot, 'tasks', `${experimentId}.ts`),
  ].filter((f) => /\.(ts|wasm)$/.test(f));
  return files.map((f) => relative(experimentsRoot, f)).sort();
}

export function computeCacheKey(
  experimentsRoot: string, experimentId: string, profile: ProfileName, config: unknown, dataVersion: string,
): CacheKey {
  const configHash = sha256(canonicalJson({ experimentId, profile, config, schemaVersion: SCHEMA_VERSION }));
  const code = createHash('sha256');
  for (const f of codeFilesOf(experimentsRoot, experimentId)) {
    code.update(f);
    code.update('\0');
    code.update(readFileSync(join(experimentsRoot, f)));
    code.update('\0');
  }
  const codeHash = code.digest('hex');
  const dataHash = sha256(dataVersion);
  return { key: sha256(`${configHash}:${codeHash}:${dataHash}`), config: configHash, code: codeHash, data: dataHash };
}

/** Why a stored key differs from the current one, in words; null when fresh. */
export function staleness(stored: CacheKey | null, current: CacheKey): string | null {
  if (!stored) return 'no artifact yet';
  if (stored.key === current.key) return null;
  const parts = [
    stored.config !== current.config && 'config changed',
    stored.code !== current.code && 'code changed',
    stored.data !== current.data && 'data version changed',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'cache key changed';
}
