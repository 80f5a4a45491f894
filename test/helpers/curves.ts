// A mask stage's curve must end where the artifact's tables are: at the last
// step, its IoU and kept values are the overlap and weights-kept rows (to the
// curve's four decimals). Returns how many values were compared.
import { expect } from 'vitest';
import type { CurveRow, OverlapRow, WeightsKeptRow } from '../../experiments/artifacts/schema.ts';

export function expectCurvesEndAtTables(curve: CurveRow[], overlap: OverlapRow[], weightsKept: WeightsKeptRow[]): number {
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const lastStep = Math.max(...curve.map((r) => r.step));
  let compared = 0;
  for (const o of overlap) {
    const r = curve.find(
      (c) => c.seed === o.seed && c.variant === o.variant && c.mask === o.b && c.against === o.a && c.subject === o.layer && c.step === lastStep,
    );
    if (!r) continue;
    expect(r.value).toBe(round(o.iou));
    compared++;
  }
  for (const w of weightsKept) {
    const r = curve.find(
      (c) => c.seed === w.seed && c.variant === w.variant && c.mask === w.mask && c.metric === 'kept' && c.subject === w.layer && c.step === lastStep,
    );
    if (!r) continue;
    expect(r.value).toBe(round(w.kept / w.total));
    compared++;
  }
  return compared;
}
