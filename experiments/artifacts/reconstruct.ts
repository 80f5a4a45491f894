// The seed outputs an artifact was assembled from, read back out of it: the
// tidy rows by seed, the masks from masks.bin, the stage times from the
// provenance. Histograms are stored pooled over seeds, so they come back on the
// first seed (pooling them again gives the same table). Assembling these again
// gives the artifact's tables and masks file byte for byte; that is how an
// artifact is re-derived (new findings code, no retraining) and how verify
// recomputes the derived parts.
import type { ResultArtifact } from './schema.ts';
import type { SeedMask, SeedOutput } from '../tasks/experiment.ts';

/** The parts of an artifact that hold computed numbers (any schema version has them). */
export type ComputedParts = Pick<ResultArtifact, 'tables' | 'maskFile'> & { provenance: Pick<ResultArtifact['provenance'], 'seeds' | 'wallSeconds'> };

function splitMaskKey(key: string): { variant: string; mask: string } {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? { variant: 'normal', mask: key } : { variant: key.slice(0, slash), mask: key.slice(slash + 1) };
}

export function reconstructOutputs(a: ComputedParts, masksBin: Uint8Array): SeedOutput[] {
  const seeds = [...a.provenance.seeds].sort((x, y) => x - y);
  const histograms = new Map<string, number[]>();
  for (const r of a.tables.histogram) histograms.set(r.mask, [...(histograms.get(r.mask) ?? []), r.count]);
  return seeds.map((seed, i) => {
    const of = <R extends { seed: number }>(rows: R[] | undefined) => (rows ?? []).filter((r) => r.seed === seed);
    const masks: SeedMask[] = a.maskFile.entries
      .filter((e) => e.seed === seed)
      .map((e) => ({
        ...splitMaskKey(e.mask),
        layer: e.layer,
        shape: e.shape,
        kept: e.kept,
        packed: masksBin.slice(e.offset, e.offset + e.bytes),
      }));
    return {
      seed,
      pretrain: of(a.tables.pretrain),
      accuracy: of(a.tables.accuracy),
      weightsKept: of(a.tables.weightsKept),
      overlap: of(a.tables.overlap),
      confusion: of(a.tables.confusion),
      ...(a.tables.tokenRemoval ? { tokenRemoval: of(a.tables.tokenRemoval) } : {}),
      ...(a.tables.curve ? { curve: of(a.tables.curve) } : {}),
      histograms: i === 0 ? [...histograms].map(([mask, counts]) => ({ mask, counts })) : [],
      masks,
      stages: a.provenance.wallSeconds.stages.filter((s) => s.seed === seed).map((s) => ({ stage: s.stage, seconds: s.seconds, steps: s.steps })),
    };
  });
}
