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
export function meanOverlap(a: ArtifactWithoutFindings, variant: string, layer: string, pick: 'iou' | 'iomin' | 'sharedOfA' | 'chanceIou'): number {
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

/** Mean over seeds and the given layers of an overlap metric. */
export function meanOverLayers(a: ArtifactWithoutFindings, variant: string, layers: string[], pick: 'iou' | 'iomin' | 'sharedOfA' | 'chanceIou'): number {
  return mean(layers.map((id) => mean(select(a.tables.overlap, { variant, layer: id }, (r) => r[pick]))));
}

/** Why σ(logit) is not yet bimodal at quick scale (measured). */
export const SHORT_STAGES = 'measured at quick scale: after 2k mask steps (the paper: 20k) the pruned logits are deep below 0, but most kept logits have only drifted 1–3 above their init of 2, so σ(L) of kept weights sits between 0.7 and 0.95.';

/**
 * A reason the artifact's profile is known not to reproduce a claim, or
 * undefined. Declared per claim and profile, with the measured cause, so the
 * page can say why and `npm run verify` does not fail on it.
 */
export function knownNotToHoldAt(a: ArtifactWithoutFindings, profiles: string[], reason: string): string | undefined {
  return profiles.includes(a.provenance.profile) ? reason : undefined;
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
