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
