// A "pass" is one run of the network over a batch, with the outputs its loss
// reads. Add/mul has one pass per batch; double addition runs the network once
// per pair, with the other pair's inputs zeroed, and reads that pair's slot.
import * as tf from '@tensorflow/tfjs-core';

export interface Pass {
  /** Inputs, sample-major: x[e * inputSize + i]. */
  x: Float32Array;
  /** Target digits, targets[e * digits + d], least significant first. */
  targets: Uint8Array;
  n: number;
  /** First output row of this pass's digits, and how many digits it reads. */
  rowOffset: number;
  digits: number;
}

/** Uploads examples [start, start + count) as a feature-major tensor [inputSize, count]. */
export function uploadFeatureMajor(x: Float32Array, inputSize: number, start: number, count: number): tf.Tensor {
  const t = new Float32Array(inputSize * count);
  for (let e = 0; e < count; e++) {
    const src = (start + e) * inputSize;
    for (let i = 0; i < inputSize; i++) t[i * count + e] = x[src + i];
  }
  return tf.tensor(t, [inputSize, count], 'float32');
}

/** The targets of examples [start, start + count). */
export function targetSlice(pass: Pass, start: number, count: number): Uint8Array {
  return pass.targets.subarray(start * pass.digits, (start + count) * pass.digits);
}
