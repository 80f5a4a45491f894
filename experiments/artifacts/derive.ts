// Re-deriving an artifact: its computed parts (tables, masks, provenance) stay
// as they are; everything derived from them (findings, notes, pictures, mask
// and layer descriptions, manifest) is assembled again by the current code. The
// runner does this when only the findings or presentation code changed (no
// retraining), and verify does it in memory to check that nothing derived was
// edited: a flipped verdict or an edited evidence number differs from what the
// experiment's findings function computes from the artifact's own tables.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { AnyExperiment } from '../tasks/experiment.ts';
import { assembleArtifact, type AssembledArtifact } from './assemble.ts';
import { manifestProblems } from './manifest.ts';
import { maskIntegrity } from './mask-integrity.ts';
import { reconstructOutputs } from './reconstruct.ts';
import type { Provenance, ResultArtifact } from './schema.ts';

export async function rederive(
  experiment: AnyExperiment,
  artifact: ResultArtifact,
  masksBin: Uint8Array,
  provenance: Provenance = artifact.provenance,
): Promise<AssembledArtifact> {
  // The config the numbers were computed with (the profile's, or a named run's patch on it; the cache key says they match).
  const config = artifact.provenance.config as { seeds: number[] };
  return assembleArtifact(experiment, config, reconstructOutputs(artifact, masksBin), provenance);
}

export function readMasksBin(dir: string, artifact: ResultArtifact): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, artifact.maskFile.file)));
}

/** A file of the artifact folder, or null when it is not there (for derivedDifferences). */
export function storedFiles(dir: string): (file: string) => Uint8Array | null {
  return (file) => (existsSync(join(dir, file)) ? new Uint8Array(readFileSync(join(dir, file))) : null);
}

/**
 * What makes a stored artifact untrustworthy (it is then recomputed, never
 * re-derived): a mismatch with its manifest, else masks.bin against its index
 * and the mask-derived tables. `masksBin` is null when the manifest failed.
 */
export function integrityOf(dir: string, artifact: ResultArtifact): { problems: string[]; rowsChecked: number; masksBin: Uint8Array | null } {
  const manifest = manifestProblems(dir, artifact);
  if (manifest.length) return { problems: manifest, rowsChecked: 0, masksBin: null };
  const masksBin = readMasksBin(dir, artifact);
  const m = maskIntegrity(artifact, masksBin);
  return { problems: m.problems, rowsChecked: m.rowsChecked, masksBin };
}

/**
 * How the stored artifact differs from one assembled again from its computed
 * parts, in words (one entry per differing part, findings by id); [] when it
 * does not. The provenance's derivation record is not compared.
 */
export function derivedDifferences(stored: ResultArtifact, again: AssembledArtifact, storedFiles: (file: string) => Uint8Array | null): string[] {
  const out: string[] = [];
  const a = again.artifact;
  const byId = new Map(a.findings.map((f) => [f.id, f]));
  for (const f of stored.findings) {
    const g = byId.get(f.id);
    if (!g) {
      out.push(`finding "${f.id}" is not one the experiment states`);
      continue;
    }
    for (const k of ['verdict', 'holds', 'evidence', 'expected', 'expectation', 'kind', 'claim', 'paper', 'premise', 'declared'] as const) {
      if (!isDeepStrictEqual(f[k], g[k])) out.push(`finding "${f.id}": stored ${k} ${JSON.stringify(f[k])}, recomputed ${JSON.stringify(g[k])}`);
    }
  }
  for (const g of a.findings) if (!stored.findings.some((f) => f.id === g.id)) out.push(`finding "${g.id}" is missing from the artifact`);
  for (const k of ['title', 'question', 'masks', 'layers', 'references', 'notes', 'paperRun', 'images', 'tables', 'maskFile'] as const) {
    if (!isDeepStrictEqual(stored[k], a[k])) out.push(`${k} differ from what the code derives`);
  }
  for (const [file, bytes] of again.files) {
    const have = storedFiles(file);
    if (!have || Buffer.compare(Buffer.from(have), Buffer.from(bytes)) !== 0) out.push(`${file} differs from what the code derives`);
  }
  return out;
}
