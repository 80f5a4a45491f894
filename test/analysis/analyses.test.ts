// Golden tests of the analyses on tiny, hand-checked masks and predictions.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sigmoidHistogram } from '../../experiments/analysis/logit-histogram.ts';
import { overlapRows, weightsKeptRows } from '../../experiments/analysis/mask-tables.ts';
import { opConfusionRows } from '../../experiments/analysis/op-confusion.ts';
import { overlap } from '../../experiments/analysis/set-metrics.ts';
import { mean, sampleStd, select } from '../../experiments/analysis/stats.ts';
import { PICTURE_COLORS, renderMaskPicture } from '../../experiments/artifacts/mask-pictures.ts';
import { binarize, countKept, invert, packBits, unpackBits } from '../../experiments/masking/binary-mask.ts';

const m = (...bits: number[]) => Uint8Array.from(bits);

describe('set metrics', () => {
  it('IoU, IoMin and shared-of-a on a fixed pair', () => {
    // a = {0,1,2,3}, b = {2,3,4}: ∩ = 2, ∪ = 5, min = 3.
    const o = overlap(m(1, 1, 1, 1, 0, 0), m(0, 0, 1, 1, 1, 0));
    // Densities 4/6 and 3/6: chance IoU = (2/3 · 1/2) / (2/3 + 1/2 − 1/3) = 0.4.
    expect(o).toEqual({ sizeA: 4, sizeB: 3, intersection: 2, union: 5, iou: 0.4, iomin: 2 / 3, sharedOfA: 0.5, chanceIou: expect.closeTo(0.4, 12) });
  });

  it('empty masks give 0, not NaN; identical masks give 1', () => {
    expect(overlap(m(0, 0), m(0, 0)).iou).toBe(0);
    expect(overlap(m(0, 0), m(1, 0)).iomin).toBe(0);
    expect(overlap(m(1, 0, 1), m(1, 0, 1)).iou).toBe(1);
  });

  it('per-layer rows name the seed, variant, masks and layer', () => {
    const rows = overlapRows(7, 'normal', 'add', 'mul', ['l1', 'l2'], [m(1, 1), m(1, 0)], [m(1, 0), m(0, 1)]);
    expect(rows.map((r) => [r.layer, r.iou, r.intersection, r.union])).toEqual([
      ['l1', 0.5, 1, 2],
      ['l2', 0, 0, 2],
    ]);
    expect(weightsKeptRows(7, 'normal', 'add', ['l1'], [m(1, 0, 1)])).toEqual([{ seed: 7, variant: 'normal', mask: 'add', layer: 'l1', kept: 2, total: 3 }]);
  });
});

describe('binary masks', () => {
  it('binarise at logit > 0 (0 itself is dropped), invert, count', () => {
    expect(Array.from(binarize(Float32Array.from([-1, 0, 1e-7, 3])))).toEqual([0, 0, 1, 1]);
    expect(Array.from(invert(m(1, 0, 1)))).toEqual([0, 1, 0]);
    expect(countKept(m(1, 0, 1, 1))).toBe(3);
  });

  it('bit-packing round-trips, LSB first', () => {
    const mask = m(1, 0, 0, 0, 0, 0, 0, 1, 1, 1);
    const packed = packBits(mask);
    expect(Array.from(packed)).toEqual([0b10000001, 0b11]);
    expect(Array.from(unpackBits(packed, 10))).toEqual(Array.from(mask));
    expect(() => unpackBits(packed, 20)).toThrow(/bytes/);
  });
});

describe('op confusion', () => {
  it('classifies predictions as sum, product, both or neither', () => {
    // Examples: (2,2) → sum = product = 4; (3,5) → 8 / 15; (0,7) → 7 / 0.
    const a = [2, 3, 3, 0],
      b = [2, 5, 5, 7];
    const digits = (v: number) => [v % 10, Math.floor(v / 10)];
    const predicted = Uint8Array.from([...digits(4), ...digits(8), ...digits(15), ...digits(99)]);
    const rows = opConfusionRows(
      1,
      '×',
      '+',
      predicted,
      4,
      (e) => a[e],
      (e) => b[e],
    );
    expect(Object.fromEntries(rows.map((r) => [r.predicted, r.fraction]))).toEqual({ sum: 0.25, product: 0.25, both: 0.25, neither: 0.25 });
  });
});

describe('σ(logit) histogram and statistics', () => {
  it('bins σ(L) on [0, 1]', () => {
    const counts = sigmoidHistogram([Float32Array.from([-100, 0, 100, 100])], 4);
    expect(counts).toEqual([1, 0, 1, 2]);
  });

  it('mean and sample standard deviation (n − 1)', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(sampleStd([1, 2, 3])).toBe(1);
    expect(sampleStd([5])).toBe(0);
    expect(() => select([{ a: 1 }], { a: 2 }, (r) => r.a)).toThrow(/no rows/);
  });
});

describe('mask pictures', () => {
  it('colours each weight by which masks keep it, landscape orientation', async () => {
    // Weight matrix 3 rows (inputs) × 2 cols (outputs): taller than wide, so it is transposed.
    const a = m(1, 1, 0, 0, 1, 0),
      b = m(1, 0, 1, 0, 0, 0);
    const { png, image } = await renderMaskPicture({
      seed: 1,
      variant: 'normal',
      layer: 'layer1',
      ids: { a: 'add', b: 'mul' },
      shape: [3, 2],
      a,
      b,
      labelA: '+',
      labelB: '×',
    });
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(image.axes).toBe('x: 3 input units, y: 2 output units');
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const hex = (x: number, y: number) =>
      `#${Array.from(data.subarray((y * 3 + x) * 3, (y * 3 + x) * 3 + 3), (v) => v.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
    // Weight (r, c) appears at pixel (x = r, y = c).
    expect(hex(0, 0)).toBe(PICTURE_COLORS.both); // (0,0): a and b
    expect(hex(0, 1)).toBe(PICTURE_COLORS.a); // (0,1): a only
    expect(hex(1, 0)).toBe(PICTURE_COLORS.b); // (1,0): b only
    expect(hex(1, 1)).toBe(PICTURE_COLORS.neither);
    expect(hex(2, 0)).toBe(PICTURE_COLORS.a); // (2,0): a only
    expect(image.legend.map((l) => l.label)).toEqual(['+ only', '× only', 'both (shared)', 'neither']);
  });
});
