// Per-layer rows of the weights-kept and overlap tables from binary masks.
import type { OverlapRow, WeightsKeptRow } from '../artifacts/schema.ts';
import { countKept, packBits, type BinaryMask } from '../masking/binary-mask.ts';
import type { SeedMask } from '../tasks/experiment.ts';
import { overlap } from './set-metrics.ts';

export function weightsKeptRows(seed: number, variant: string, mask: string, layers: string[], masks: BinaryMask[]): WeightsKeptRow[] {
  return masks.map((m, l) => ({ seed, variant, mask, layer: layers[l], kept: countKept(m), total: m.length }));
}

export function overlapRows(seed: number, variant: string, a: string, b: string, layers: string[], masksA: BinaryMask[], masksB: BinaryMask[]): OverlapRow[] {
  return masksA.map((ma, l) => {
    const o = overlap(ma, masksB[l]);
    return {
      seed,
      variant,
      a,
      b,
      layer: layers[l],
      intersection: o.intersection,
      union: o.union,
      iou: o.iou,
      iomin: o.iomin,
      sharedOfA: o.sharedOfA,
      chanceIou: o.chanceIou,
    };
  });
}

/** The per-layer records of one mask for the masks file (bit-packed). */
export function maskRecords(variant: string, mask: string, layers: string[], shapes: number[][], masks: BinaryMask[]): SeedMask[] {
  return masks.map((m, l) => ({ variant, mask, layer: layers[l], shape: shapes[l], packed: packBits(m), kept: countKept(m) }));
}
