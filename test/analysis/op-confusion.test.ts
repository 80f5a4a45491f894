// The +/× masks' op confusion in our four classes and in the official code's
// three (plot_addmul_confusion.py), on hand-made predictions.
import { describe, expect, it } from 'vitest';
import { officialConfusionRows, opConfusionRows } from '../../experiments/analysis/op-confusion.ts';

// Operands and 2-digit predictions (ones digit first): 2+2 = 4 = 2·2 (both), 3+4 = 7 (sum), 3·4 = 12 (product), 99 (neither).
const a = [2, 3, 3, 5];
const b = [2, 4, 4, 5];
const values = [4, 7, 12, 99];
const predicted = Uint8Array.from(values.flatMap((v) => [v % 10, Math.floor(v / 10)]));

describe('op confusion', () => {
  it('four classes: each prediction in exactly one of sum, product, both, neither', () => {
    const rows = opConfusionRows(
      1,
      'add',
      '+',
      predicted,
      4,
      (e) => a[e],
      (e) => b[e],
    );
    expect(Object.fromEntries(rows.map((r) => [r.predicted, r.fraction]))).toEqual({ sum: 0.25, product: 0.25, both: 0.25, neither: 0.25 });
  });

  it("the official three: 'both' counts as a sum and as a product, each row normalised by its counted total", () => {
    const four = opConfusionRows(
      1,
      'add',
      '+',
      predicted,
      4,
      (e) => a[e],
      (e) => b[e],
    );
    const three = officialConfusionRows(four);
    // Counted: sum 2, product 2, neither 1, of 5.
    expect(three.map((r) => [r.predicted, r.fraction])).toEqual([
      ['sum', 0.4],
      ['product', 0.4],
      ['neither', 0.2],
    ]);
    expect(three.every((r) => r.seed === 1 && r.mask === 'add' && r.trueOp === '+')).toBe(true);
  });

  it('keeps seeds, masks and true ops apart; without "both" the shares are the four-class ones', () => {
    const rows = [
      { seed: 1, mask: 'add', trueOp: '+', predicted: 'sum', fraction: 0.9 },
      { seed: 1, mask: 'add', trueOp: '+', predicted: 'neither', fraction: 0.1 },
      { seed: 2, mask: 'add', trueOp: '+', predicted: 'product', fraction: 0.5 },
      { seed: 2, mask: 'add', trueOp: '+', predicted: 'both', fraction: 0.5 },
    ];
    const three = officialConfusionRows(rows);
    expect(three.filter((r) => r.seed === 1).map((r) => r.fraction)).toEqual([0.9, 0, 0.1]);
    // Seed 2: product 1.0 and sum 0.5 counted of 1.5.
    const s2 = three.filter((r) => r.seed === 2).map((r) => r.fraction);
    expect(s2[0]).toBeCloseTo(1 / 3, 12);
    expect(s2[1]).toBeCloseTo(2 / 3, 12);
    expect(s2[2]).toBe(0);
  });
});
