// The accuracy table of an experiment: each column is a way of masking the
// frozen network (none, a stage's mask, its complement, ...), each row an
// evaluation set. Returns the rows and, for analyses that need them (the op
// confusion), the predictions.
import type { AccuracyRow } from '../artifacts/schema.ts';
import type { BinaryMask } from '../masking/binary-mask.ts';
import type { MlpHostParams } from '../models/mlp.ts';
import type { Pass } from '../train/passes.ts';
import { accuracyOf, disposeWeights, predictPass, uploadMasked } from './evaluate-mlp.ts';

export interface MaskColumn {
  column: string;
  /** One mask per layer; null = that layer unmasked; the whole list null = no mask at all. */
  masks: (BinaryMask | null)[] | null;
}

export interface EvalSet {
  evalSet: string;
  pass: Pass;
}

export interface AccuracyTable {
  rows: AccuracyRow[];
  /** predictions.get(column).get(evalSet) = predicted digits. */
  predictions: Map<string, Map<string, Uint8Array>>;
}

export function accuracyTable(params: MlpHostParams, columns: MaskColumn[], sets: EvalSet[], seed: number, variant: string): AccuracyTable {
  const rows: AccuracyRow[] = [];
  const predictions = new Map<string, Map<string, Uint8Array>>();
  for (const col of columns) {
    const layers = uploadMasked(params, col.masks ?? params.W.map(() => null));
    const byEval = new Map<string, Uint8Array>();
    try {
      for (const s of sets) {
        const pred = predictPass(layers, params.sizes[0], s.pass);
        byEval.set(s.evalSet, pred);
        rows.push({ seed, variant, column: col.column, evalSet: s.evalSet, accuracy: accuracyOf(pred, s.pass) });
      }
    } finally {
      disposeWeights(layers);
    }
    predictions.set(col.column, byEval);
  }
  return { rows, predictions };
}
