// The "confusion" of the +/× masks (docs/method.md §2.4, plot_addmul_confusion.py):
// on inputs of a true op, does the 2-digit prediction equal the sum, the
// product, both (when (a+b) ≡ ab mod 100), or neither?
import type { ConfusionRow } from '../artifacts/schema.ts';

export const CONFUSION_CLASSES = ['sum', 'product', 'both', 'neither'] as const;

export function opConfusionRows(
  seed: number,
  mask: string,
  trueOp: string,
  predicted: Uint8Array,
  n: number,
  a: (e: number) => number,
  b: (e: number) => number,
): ConfusionRow[] {
  const counts = { sum: 0, product: 0, both: 0, neither: 0 };
  for (let e = 0; e < n; e++) {
    const value = predicted[e * 2] + 10 * predicted[e * 2 + 1];
    const isSum = value === (a(e) + b(e)) % 100;
    const isProduct = value === (a(e) * b(e)) % 100;
    counts[isSum && isProduct ? 'both' : isSum ? 'sum' : isProduct ? 'product' : 'neither']++;
  }
  return CONFUSION_CLASSES.map((predictedAs) => ({ seed, mask, trueOp, predicted: predictedAs, fraction: counts[predictedAs] / n }));
}

/** The official plot's classes (plot_addmul_confusion.py): a prediction equal to both counts as a sum and as a product. */
export const OFFICIAL_CONFUSION_CLASSES = ['sum', 'product', 'neither'] as const;

/**
 * The official three-class view of our four-class rows: per seed, mask and true
 * op, a "both" prediction counts in sum and in product, and each row is
 * normalised by the counted total (1 + both, as fractions of the samples), so
 * the three shares add up to 1.
 */
export function officialConfusionRows(rows: readonly ConfusionRow[]): ConfusionRow[] {
  const groups = new Map<string, Map<string, ConfusionRow>>();
  for (const r of rows) {
    const key = JSON.stringify([r.seed, r.mask, r.trueOp]);
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(r.predicted, r);
  }
  return [...groups.values()].flatMap((g) => {
    const share = (c: string) => g.get(c)?.fraction ?? 0;
    const both = share('both');
    const any = g.values().next().value!;
    const counted = { sum: share('sum') + both, product: share('product') + both, neither: share('neither') };
    return OFFICIAL_CONFUSION_CLASSES.map((predicted) => ({
      seed: any.seed,
      mask: any.mask,
      trueOp: any.trueOp,
      predicted,
      fraction: counted[predicted] / (1 + both),
    }));
  });
}
