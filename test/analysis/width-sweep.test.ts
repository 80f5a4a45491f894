// The sharing-vs-width quantities from tidy tables: total shared as the
// paper's plotting script pools it, hidden IoU over the hidden layers only,
// the inverted-mask cells, and the trend rule with its tolerance.
import { describe, expect, it } from 'vitest';
import { byWidth, movesThrough, parseSweepVariant, sweepLayerId, sweepPoints, sweepVariant } from '../../experiments/analysis/width-sweep.ts';
import { sharingVsWidth } from '../../experiments/tasks/sharing-vs-width.ts';
import { jobsOf } from '../../experiments/runtime/jobs.ts';

function tablesFor(width: number, seed: number, inter: number[], keptAdd: number[], keptMul: number[], invAcc: [number, number]) {
  const variant = sweepVariant('add-mul', width, 2);
  const layers = [0, 1, 2].map((l) => sweepLayerId(variant, l));
  const total = 100;
  return {
    pretrain: [
      { seed, variant, evalSet: '+', accuracy: 1 },
      { seed, variant, evalSet: '×', accuracy: 0.97 },
    ],
    accuracy: [
      { seed, variant, column: '+', evalSet: '+', accuracy: 0.99 },
      { seed, variant, column: '×', evalSet: '×', accuracy: 0.98 },
      { seed, variant, column: '¬+', evalSet: '×', accuracy: invAcc[0] },
      { seed, variant, column: '¬×', evalSet: '+', accuracy: invAcc[1] },
    ],
    weightsKept: layers.flatMap((layer, l) => [
      { seed, variant, mask: 'add', layer, kept: keptAdd[l], total },
      { seed, variant, mask: 'mul', layer, kept: keptMul[l], total },
    ]),
    overlap: layers.map((layer, l) => {
      const union = keptAdd[l] + keptMul[l] - inter[l];
      return { seed, variant, a: 'add', b: 'mul', layer, intersection: inter[l], union, iou: inter[l] / union, iomin: 0, sharedOfA: 0, chanceIou: 0.1 };
    }),
  };
}

describe('sharing-vs-width analysis', () => {
  it('names variants and layers so they parse back', () => {
    expect(parseSweepVariant(sweepVariant('double-add', 1024, 4))).toEqual({ task: 'double-add', width: 1024, depth: 4 });
    expect(parseSweepVariant('normal')).toBeNull();
    expect(sweepLayerId('add-mul 128×4', 2)).toBe('add-mul 128×4/layer3');
  });

  it('pools total shared over layers, normalised by the first mask; hidden IoU skips the I/O layers', () => {
    const [p] = sweepPoints(tablesFor(64, 1, [10, 5, 20], [20, 10, 40], [30, 10, 20], [0.3, 0.5]));
    expect(p.totalShared).toBeCloseTo(35 / 70, 12);
    expect(p.hiddenIou).toBeCloseTo(5 / 15, 12); // only layer 2 is hidden
    expect(p.keptFraction).toBeCloseTo((70 / 300 + 60 / 300) / 2, 12);
    expect(p.invertedOnOther).toEqual([0.3, 0.5]);
    expect(p.pretrainMin).toBe(0.97);
  });

  it('averages over seeds per width, widths ascending', () => {
    const t1 = tablesFor(128, 1, [10, 5, 20], [20, 10, 40], [30, 10, 20], [0.2, 0.4]);
    const t2 = tablesFor(64, 2, [10, 5, 20], [20, 10, 40], [30, 10, 20], [0, 0]);
    const t3 = tablesFor(128, 2, [10, 5, 20], [20, 10, 40], [30, 10, 20], [0.4, 0.6]);
    const merged = Object.fromEntries(
      (['pretrain', 'accuracy', 'weightsKept', 'overlap'] as const).map((k) => [k, [...t1[k], ...t2[k], ...t3[k]]]),
    ) as unknown as ReturnType<typeof tablesFor>;
    expect(byWidth(sweepPoints(merged), 'add-mul', 'invertedOnOther')).toEqual([
      { width: 64, mean: 0, seeds: 1 },
      { width: 128, mean: 0.4, seeds: 2 },
    ]);
  });

  it('a trend needs the whole move beyond the tolerance and no step back beyond it', () => {
    expect(movesThrough([0.6, 0.4, 0.2], 'falls', 0.02)).toBe(true);
    expect(movesThrough([0.01, 0.02, 0.3], 'rises', 0.02)).toBe(true);
    expect(movesThrough([0.02, 0.01, 0.3], 'rises', 0.02)).toBe(true); // two floor values swapping by noise
    expect(movesThrough([0.1, 0.3, 0.2], 'rises', 0.02)).toBe(false);
    expect(movesThrough([0.5, 0.49], 'falls', 0.02)).toBe(false);
    expect(movesThrough([0.5], 'falls', 0.02)).toBe(false);
  });

  it('runs one job per task and width a seed has, widest first by cost', () => {
    const jobs = jobsOf(sharingVsWidth, sharingVsWidth.profiles.quick);
    expect(jobs.filter((j) => j.seed === 1).map((j) => j.part)).toEqual([
      'add-mul-128',
      'add-mul-256',
      'add-mul-512',
      'double-add-128',
      'double-add-256',
      'double-add-512',
    ]);
    expect(jobs.filter((j) => j.seed === 2).map((j) => j.part)).toEqual(['add-mul-128', 'add-mul-256', 'double-add-128', 'double-add-256']);
    const cost = (part: string) => jobs.find((j) => j.part === part)!.cost;
    expect(cost('double-add-512')).toBeGreaterThan(3 * cost('double-add-256'));
  });
});
