// Softmax cross-entropy of one example whose logits form a column of a
// feature-major array: class c at logitsT[base + c * stride]. Shared by the
// digit loss (arithmetic tasks) and the token loss (seq2seq).

/** The largest logit of the column and its class. */
export function columnArgmax(logitsT: Float32Array, base: number, stride: number, classes: number): { max: number; arg: number } {
  let max = -Infinity;
  let arg = 0;
  for (let c = 0; c < classes; c++) {
    const v = logitsT[base + c * stride];
    if (v > max) {
      max = v;
      arg = c;
    }
  }
  return { max, arg };
}

/**
 * Cross-entropy against `target`; writes scale · (softmax − onehot) into gradT
 * at the same places as the logits. Returns the loss and the arg-max class.
 */
export function columnCrossEntropy(
  logitsT: Float32Array,
  base: number,
  stride: number,
  classes: number,
  target: number,
  scale: number,
  gradT: Float32Array,
): { loss: number; arg: number } {
  const { max, arg } = columnArgmax(logitsT, base, stride, classes);
  let z = 0;
  for (let c = 0; c < classes; c++) z += Math.exp(logitsT[base + c * stride] - max);
  for (let c = 0; c < classes; c++) {
    gradT[base + c * stride] = scale * (Math.exp(logitsT[base + c * stride] - max) / z - (c === target ? 1 : 0));
  }
  return { loss: Math.log(z) - (logitsT[base + target * stride] - max), arg };
}
