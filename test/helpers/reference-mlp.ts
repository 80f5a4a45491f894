// An independent float64 reference of the masked MLP (plain loops, sample-major,
// no tfjs): forward, cross-entropy over digits, and backward to the effective
// weights. The tests compare the fast feature-major tfjs path against it.

export interface RefLayer {
  rows: number;
  cols: number;
  /** Effective weight, W[r * cols + c] (rows = inputs). */
  W: Float64Array;
  b: Float64Array;
}

/** Mean CE over all digits of the batch (digits × 10 logits per example). */
export function refLossAndGrads(layers: RefLayer[], x: Float32Array, n: number, targets: Uint8Array, digits: number, scale: number) {
  const acts: Float64Array[] = [Float64Array.from(x)];
  for (let l = 0; l < layers.length; l++) {
    const { rows, cols, W, b } = layers[l];
    const h = acts[l];
    const z = new Float64Array(n * cols);
    for (let e = 0; e < n; e++) {
      for (let c = 0; c < cols; c++) {
        let s = b[c];
        for (let r = 0; r < rows; r++) s += h[e * rows + r] * W[r * cols + c];
        z[e * cols + c] = l + 1 < layers.length ? Math.max(0, s) : s;
      }
    }
    acts.push(z);
  }
  const out = acts[acts.length - 1];
  const cols = layers[layers.length - 1].cols;
  let loss = 0;
  let dz = new Float64Array(n * cols);
  for (let e = 0; e < n; e++) {
    for (let d = 0; d < digits; d++) {
      let max = -Infinity;
      for (let c = 0; c < 10; c++) max = Math.max(max, out[e * cols + d * 10 + c]);
      let zsum = 0;
      for (let c = 0; c < 10; c++) zsum += Math.exp(out[e * cols + d * 10 + c] - max);
      const t = targets[e * digits + d];
      loss += Math.log(zsum) - (out[e * cols + d * 10 + t] - max);
      for (let c = 0; c < 10; c++) dz[e * cols + d * 10 + c] = scale * (Math.exp(out[e * cols + d * 10 + c] - max) / zsum - (c === t ? 1 : 0));
    }
  }
  const dW: Float64Array[] = new Array(layers.length);
  const db: Float64Array[] = new Array(layers.length);
  for (let l = layers.length - 1; l >= 0; l--) {
    const { rows, cols: oc, W } = layers[l];
    const h = acts[l];
    dW[l] = new Float64Array(rows * oc);
    db[l] = new Float64Array(oc);
    for (let e = 0; e < n; e++) for (let c = 0; c < oc; c++) db[l][c] += dz[e * oc + c];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < oc; c++) {
        let s = 0;
        for (let e = 0; e < n; e++) s += h[e * rows + r] * dz[e * oc + c];
        dW[l][r * oc + c] = s;
      }
    if (l > 0) {
      const dh = new Float64Array(n * rows);
      for (let e = 0; e < n; e++)
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < oc; c++) s += dz[e * oc + c] * W[r * oc + c];
          dh[e * rows + r] = h[e * rows + r] > 0 ? s : 0;
        }
      dz = dh;
    }
  }
  return { loss: loss * scale, dW, db };
}
