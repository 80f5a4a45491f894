// Evaluates a frozen MLP under a binary mask (or none): W_eff = W ⊙ m for every
// masked tensor, biases at full value (they are not masked in these tasks).
import * as tf from '@tensorflow/tfjs-core';
import type { BinaryMask } from '../masking/binary-mask.ts';
import { layerShapes, mlpForward, type DenseWeights, type MlpHostParams } from '../models/mlp.ts';
import { predictDigits } from '../train/digit-loss.ts';
import { uploadFeatureMajor, type Pass } from '../train/passes.ts';

const EVAL_BATCH = 2500;

/** Uploads W ⊙ m (and its transpose) per layer; `masks[l] = null` keeps layer l whole. */
export function uploadMasked(params: MlpHostParams, masks: (BinaryMask | null)[]): DenseWeights[] {
  return layerShapes(params.sizes).map(([rows, cols], l) => {
    const w = params.W[l];
    const m = masks[l];
    const eff = new Float32Array(w.length);
    const effT = new Float32Array(w.length);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const v = m && !m[i] ? 0 : w[i];
        eff[i] = v;
        effT[c * rows + r] = v;
      }
    }
    return {
      W: tf.tensor(eff, [rows, cols], 'float32'),
      WT: tf.tensor(effT, [cols, rows], 'float32'),
      b: tf.tensor(params.b[l], [cols, 1], 'float32'),
    };
  });
}

export function disposeWeights(layers: DenseWeights[]): void {
  for (const l of layers) tf.dispose([l.W, l.WT, l.b]);
}

/** Predicted digits of every example of a pass: out[e * digits + d]. */
export function predictPass(layers: DenseWeights[], inputSize: number, pass: Pass): Uint8Array {
  const out = new Uint8Array(pass.n * pass.digits);
  for (let start = 0; start < pass.n; start += EVAL_BATCH) {
    const count = Math.min(EVAL_BATCH, pass.n - start);
    const logitsT = tf.tidy(() => {
      const cache = mlpForward(uploadFeatureMajor(pass.x, inputSize, start, count), layers);
      return cache.inputs[cache.inputs.length - 1];
    });
    const host = logitsT.dataSync() as Float32Array;
    logitsT.dispose();
    out.set(predictDigits(host, count, pass.rowOffset, pass.digits), start * pass.digits);
  }
  return out;
}

/** Share of examples whose digits are all right. */
export function accuracyOf(pred: Uint8Array, pass: Pass): number {
  let correct = 0;
  for (let e = 0; e < pass.n; e++) {
    let ok = true;
    for (let d = 0; d < pass.digits; d++) if (pred[e * pass.digits + d] !== pass.targets[e * pass.digits + d]) ok = false;
    if (ok) correct++;
  }
  return correct / pass.n;
}
