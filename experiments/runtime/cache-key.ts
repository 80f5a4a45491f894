// The cache key of an experiment's artifact: a hash of the resolved config, of
// the code that computes the result, and of the data version. Each part is
// stored, so a stale artifact can say *why* it is stale.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

const IMPORT = /(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'|new URL\('(\.[^']+)',\s*import\.meta\.url\)/g;

/**
 * The files whose content enters an experiment's code hash: its task file, the
 * artifact assembly, and everything it reaches through relative imports (and files it loads with
 * `new URL('./x', import.meta.url)`, such as the kernels' .wasm), relative to
 * experimentsRoot, sorted. Following the import graph keeps the hash exact: a
 * new experiment's files do not make the others stale, and a shared helper
 * that an experiment really uses does.
 */
export function codeFilesOf(experimentsRoot: string, experimentId: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith('.ts')) return;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1] ?? m[2] ?? m[3]);
      if (target.startsWith(experimentsRoot + sep)) visit(target);
    }
  };
  visit(join(experimentsRoot, 'tasks', `${experimentId}.ts`));
  // The assembly step turns the task's outputs into the artifact (tables, pictures, findings).
  visit(join(experimentsRoot, 'artifacts', 'assemble.ts'));
  return [...seen].map((f) => relative(experimentsRoot, f)).sort();
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
