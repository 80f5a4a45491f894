// The cache key of an experiment's artifact, by behaviour rather than text:
//   config      the resolved profile config
//   numerics    the numerics fingerprint of the code (runtime/fingerprint.ts)
//   data        a digest of the data read (runtime/data-digest.ts)
//   environment backend, mask kernels and tfjs version (numbers differ across them)
// A refactor that leaves every number bit-identical keeps the key; a change to
// any number the fingerprint run produces, to the config, the data or the
// backend makes the artifact stale. Each part is stored, so a stale artifact
// says *why*. The hash of the code text is stored beside them, not in the key:
// while it is unchanged the fingerprint need not be taken again.
import { createHash } from 'node:crypto';
import { canonicalJson, sha256 } from '../artifacts/digest.ts';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ProfileName, StoredCacheKey } from '../artifacts/schema.ts';

export type CacheKey = StoredCacheKey;

export { canonicalJson, sha256 };

const IMPORT = /(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'|new URL\('(\.[^']+)',\s*import\.meta\.url\)/g;

/**
 * The files whose text enters an experiment's code hash: its task file, the
 * artifact assembly, and everything they reach through relative imports (and
 * files loaded with `new URL('./x', import.meta.url)`, such as the kernels'
 * .wasm), relative to experimentsRoot, sorted.
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
  visit(join(experimentsRoot, 'artifacts', 'assemble.ts'));
  return [...seen].map((f) => relative(experimentsRoot, f)).sort();
}

export function codeTextHash(experimentsRoot: string, experimentId: string): string {
  const code = createHash('sha256');
  for (const f of codeFilesOf(experimentsRoot, experimentId)) {
    code
      .update(f)
      .update('\0')
      .update(readFileSync(join(experimentsRoot, f)))
      .update('\0');
  }
  return code.digest('hex');
}

export function configHash(experimentId: string, profile: ProfileName, config: unknown): string {
  return sha256(canonicalJson({ experimentId, profile, config }));
}

export interface KeyParts {
  config: string;
  numerics: string;
  data: string;
  environment: string;
  code: string;
}

export function cacheKeyOf(parts: KeyParts): CacheKey {
  return { scheme: 2, key: sha256(`v2:${parts.config}:${parts.numerics}:${parts.data}:${parts.environment}`), ...parts };
}

/**
 * The current key's parts, each null when it could not be taken (a fingerprint
 * or data digest needs the dataset, which a fresh clone may not have).
 */
export interface CurrentKey {
  config: string;
  numerics: string | null;
  data: string | null;
  environment: string;
  code: string;
}

/** Why a stored key differs from the current one, in words; null when fresh. Unknown parts are not judged. */
export function staleness(stored: CacheKey | null, current: CurrentKey): string | null {
  if (!stored) return 'no artifact yet';
  const parts = [
    stored.config !== current.config && 'config changed',
    current.numerics !== null && stored.numerics !== current.numerics && 'numerics changed (the fingerprint run gives other numbers)',
    current.data !== null && stored.data !== current.data && 'data changed (the data read has another digest)',
    stored.environment !== current.environment && `environment changed (${stored.environment} → ${current.environment})`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** The full key; null while a part is unknown. */
export function completeKey(current: CurrentKey): CacheKey | null {
  const { numerics, data } = current;
  return numerics === null || data === null ? null : cacheKeyOf({ ...current, numerics, data });
}
