// Cross-entropy over decimal digits, computed on the host. The networks of the
// arithmetic tasks output 10 logits per output digit; a pass reads D digits
// starting at output row `rowOffset` (double addition reads one pair's slot).
// Logits arrive feature-major: logitsT[row * n + example].
import { columnArgmax, columnCrossEntropy } from './column-softmax.ts';

export interface DigitLossResult {
  /** Sum over examples and digits of the cross-entropy (not yet averaged). */
  lossSum: number;
  /** dLoss/dlogitsᵀ, already multiplied by `scale`; rows outside the pass are 0. */
  gradT: Float32Array;
  /** Number of examples whose D digits are all right. */
  correct: number;
}

export function digitCrossEntropy(
  logitsT: Float32Array,
  rows: number,
  n: number,
  rowOffset: number,
  digits: number,
  targets: Uint8Array,
  scale: number,
): DigitLossResult {
  const gradT = new Float32Array(rows * n);
  let lossSum = 0;
  let correct = 0;
  for (let e = 0; e < n; e++) {
    let allRight = true;
    for (let d = 0; d < digits; d++) {
      const t = targets[e * digits + d];
      const r = columnCrossEntropy(logitsT, (rowOffset + d * 10) * n + e, n, 10, t, scale, gradT);
      lossSum += r.loss;
      if (r.arg !== t) allRight = false;
    }
    if (allRight) correct++;
  }
  return { lossSum, gradT, correct };
}

/** Arg-max digits of a pass: out[e * digits + d]. */
export function predictDigits(logitsT: Float32Array, n: number, rowOffset: number, digits: number): Uint8Array {
  const out = new Uint8Array(n * digits);
  for (let e = 0; e < n; e++) {
    for (let d = 0; d < digits; d++) out[e * digits + d] = columnArgmax(logitsT, (rowOffset + d * 10) * n + e, n, 10).arg;
  }
  return out;
}
