// Small helpers the experiments use to state their findings over an artifact.
import type { Finding } from '../artifacts/schema.ts';
import { mean, select } from '../analysis/stats.ts';
import type { ArtifactWithoutFindings } from './experiment.ts';

/** Mean accuracy over seeds of one cell of the accuracy table. */
export function meanAccuracy(a: ArtifactWithoutFindings, variant: string, column: string, evalSet: string): number {
  return mean(select(a.tables.accuracy, { variant, column, evalSet }, (r) => r.accuracy));
}

export function meanPretrain(a: ArtifactWithoutFindings, variant: string, evalSet: string): number {
  return mean(select(a.tables.pretrain, { variant, evalSet }, (r) => r.accuracy));
}

/** Mean over seeds of a per-layer overlap metric. */
export function meanOverlap(a: ArtifactWithoutFindings, variant: string, layer: string, pick: 'iou' | 'iomin' | 'sharedOfA'): number {
  return mean(select(a.tables.overlap, { variant, layer }, (r) => r[pick]));
}

/** Mean over seeds of the total weights a mask keeps, summed over layers. */
export function meanTotalKept(a: ArtifactWithoutFindings, variant: string, mask: string): number {
  const bySeed = new Map<number, number>();
  for (const r of a.tables.weightsKept) {
    if (r.variant === variant && r.mask === mask) bySeed.set(r.seed, (bySeed.get(r.seed) ?? 0) + r.kept);
  }
  if (bySeed.size === 0) throw new Error(`no weightsKept rows for ${variant}/${mask}`);
  return mean([...bySeed.values()]);
}

/** Share of the σ(logit) histogram mass within `margin` of 0 or 1. */
export function nearBinaryShare(a: ArtifactWithoutFindings, mask: string, margin: number): number {
  const rows = a.tables.histogram.filter((r) => r.mask === mask);
  const total = rows.reduce((s, r) => s + r.count, 0);
  const near = rows.filter((r) => r.x1 <= margin + 1e-9 || r.x0 >= 1 - margin - 1e-9).reduce((s, r) => s + r.count, 0);
  return total === 0 ? 0 : near / total;
}

/** Rounds evidence so artifacts stay readable and stable. */
export function evidence(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
}

export interface FindingSpec {
  id: string;
  claim: string;
  paper: string;
  evidence: Record<string, number>;
  holds: boolean;
  /** Set when the profile is known not to reproduce the claim, with the reason. */
  notExpected?: string;
}

export function finding(spec: FindingSpec): Finding {
  return {
    id: spec.id, claim: spec.claim, paper: spec.paper, evidence: evidence(spec.evidence), holds: spec.holds,
    expected: spec.notExpected === undefined,
    ...(spec.notExpected === undefined ? {} : { expectation: spec.notExpected }),
  };
}
