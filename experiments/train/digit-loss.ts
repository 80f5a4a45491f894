// Cross-entropy over decimal digits, computed on the host. The networks of the
// arithmetic tasks output 10 logits per output digit; a pass reads D digits
// starting at output row `rowOffset` (double addition reads one pair's slot).
// Logits arrive feature-major: logitsT[row * n + example].

export interface DigitLossResult {
  /** Sum over examples and digits of the cross-entropy (not yet averaged). */
  lossSum: number;
  /** dLoss/dlogitsᵀ, already multiplied by `scale`; rows outside the pass are 0. */
  gradT: Float32Array;
  /** Number of examples whose D digits are all right. */
  correct: number;
}

/** Largest logit of one digit (10 classes, rows base, base + n, ...) and its class. */
function digitArgmax(logitsT: Float32Array, base: number, n: number): { max: number; arg: number } {
  let max = -Infinity;
  let arg = 0;
  for (let c = 0; c < 10; c++) {
    const v = logitsT[base + c * n];
    if (v > max) { max = v; arg = c; }
  }
  return { max, arg };
}

export function digitCrossEntropy(
  logitsT: Float32Array, rows: number, n: number, rowOffset: number, digits: number,
  targets: Uint8Array, scale: number,
): DigitLossResult {
  const gradT = new Float32Array(rows * n);
  let lossSum = 0;
  let correct = 0;
  const p = new Float64Array(10);
  for (let e = 0; e < n; e++) {
    let allRight = true;
    for (let d = 0; d < digits; d++) {
      const base = (rowOffset + d * 10) * n + e;
      const { max, arg } = digitArgmax(logitsT, base, n);
      let z = 0;
      for (let c = 0; c < 10; c++) { p[c] = Math.exp(logitsT[base + c * n] - max); z += p[c]; }
      const t = targets[e * digits + d];
      lossSum += Math.log(z) - (logitsT[base + t * n] - max);
      for (let c = 0; c < 10; c++) gradT[base + c * n] = scale * (p[c] / z - (c === t ? 1 : 0));
      if (arg !== t) allRight = false;
    }
    if (allRight) correct++;
  }
  return { lossSum, gradT, correct };
}

/** Arg-max digits of a pass: out[e * digits + d]. */
export function predictDigits(logitsT: Float32Array, n: number, rowOffset: number, digits: number): Uint8Array {
  const out = new Uint8Array(n * digits);
  for (let e = 0; e < n; e++) {
    for (let d = 0; d < digits; d++) {
      out[e * digits + d] = digitArgmax(logitsT, (rowOffset + d * 10) * n + e, n).arg;
    }
  }
  return out;
}
