// Set metrics on two binary masks of the same tensor (docs/method.md §1.7).
import type { BinaryMask } from '../masking/binary-mask.ts';

export interface Overlap {
  sizeA: number;
  sizeB: number;
  intersection: number;
  union: number;
  /** |a ∧ b| / |a ∨ b| (0 when both are empty). */
  iou: number;
  /** |a ∧ b| / min(|a|, |b|): "subsetness" (0 when either is empty). */
  iomin: number;
  /** |a ∧ b| / |a|: the share of a's weights that b also uses. */
  sharedOfA: number;
  /** IoU expected of independent random masks with the same densities. */
  chanceIou: number;
}

/** IoU of two independent random masks of densities pa and pb: pa·pb / (pa + pb − pa·pb). */
export function chanceIou(pa: number, pb: number): number {
  const union = pa + pb - pa * pb;
  return union === 0 ? 0 : (pa * pb) / union;
}

export function overlap(a: BinaryMask, b: BinaryMask): Overlap {
  if (a.length !== b.length) throw new Error(`mask sizes differ: ${a.length} vs ${b.length}`);
  let sizeA = 0,
    sizeB = 0,
    intersection = 0;
  for (let i = 0; i < a.length; i++) {
    sizeA += a[i];
    sizeB += b[i];
    intersection += a[i] & b[i];
  }
  const union = sizeA + sizeB - intersection;
  const min = Math.min(sizeA, sizeB);
  return {
    sizeA,
    sizeB,
    intersection,
    union,
    iou: union === 0 ? 0 : intersection / union,
    iomin: min === 0 ? 0 : intersection / min,
    sharedOfA: sizeA === 0 ? 0 : intersection / sizeA,
    chanceIou: chanceIou(sizeA / a.length, sizeB / a.length),
  };
}
