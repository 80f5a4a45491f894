// The pieces of the CIFAR-10 CNN (paper-method §7.2) with their backward passes
// written by hand, in the feature-major layout of the MLP: an activation is a
// 2-D tensor [channels, N·H·W] (example-major, then row, then column), so that
// a 3×3 convolution is one plain 2-D matMul with the (masked) weight as its
// first operand, the fast path on tfjs-wasm (see mlp.ts):
//
//   cols = im2col(x)        [9·C_in, N·H·W]   rows: offset (dy, dx) major, channel minor
//   z    = Wᵀ · cols + b    W: [9·C_in, C_out]
//   dW   = cols · dzᵀ,  dcols = W · dz,  dx = col2im(dcols)
//
// tfjs-wasm has no Conv2DBackpropFilter (design.md), and its conv2d would put
// the weight in the slow second-operand position; im2col here is 9 shifted
// slices of the zero-padded input, col2im the 9 matching pads, summed.
import * as tf from '@tensorflow/tfjs-core';

/** The spatial shape of an activation: N examples of H × W. */
export interface Grid {
  n: number;
  h: number;
  w: number;
}

const OFFSETS = [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => [dy, dx] as const));

/** [C, N·H·W] → [9·C, N·H·W]: for each 3×3 offset, the input shifted by it (padding 1, zeros outside). */
export function im2col(x: tf.Tensor, g: Grid): tf.Tensor {
  const c = x.shape[0];
  const padded = tf.pad(tf.reshape(x, [c, g.n, g.h, g.w]), [[0, 0], [0, 0], [1, 1], [1, 1]]);
  return tf.concat(OFFSETS.map(([dy, dx]) => tf.reshape(tf.slice(padded, [0, 0, dy, dx], [c, g.n, g.h, g.w]), [c, g.n * g.h * g.w])), 0);
}

/** The adjoint of im2col: [9·C, N·H·W] → [C, N·H·W], each offset's rows shifted back and summed. */
export function col2im(cols: tf.Tensor, g: Grid): tf.Tensor {
  const c = cols.shape[0] / 9;
  const parts = OFFSETS.map(([dy, dx], k) => {
    const block = tf.reshape(tf.slice(cols, [k * c, 0], [c, cols.shape[1]!]), [c, g.n, g.h, g.w]);
    // Undo the shift: place the block at (dy, dx) inside the padded frame.
    return tf.pad(block, [[0, 0], [0, 0], [dy, 2 - dy], [dx, 2 - dx]]);
  });
  const summed = tf.addN(parts);
  return tf.reshape(tf.slice(summed, [0, 0, 1, 1], [c, g.n, g.h, g.w]), [c, g.n * g.h * g.w]);
}

export interface ConvWeights {
  /** [9·C_in, C_out]. */
  W: tf.Tensor;
  /** [C_out, 9·C_in]. */
  WT: tf.Tensor;
  /** [C_out, 1]. */
  b: tf.Tensor;
}

export function conv3x3Forward(x: tf.Tensor, g: Grid, w: ConvWeights): { z: tf.Tensor; cols: tf.Tensor } {
  const cols = im2col(x, g);
  return { z: tf.add(tf.matMul(w.WT, cols), w.b), cols };
}

export function conv3x3Backward(dz: tf.Tensor, cols: tf.Tensor, g: Grid, w: ConvWeights, withInput: boolean): { dW: tf.Tensor; db: tf.Tensor; dx: tf.Tensor | null } {
  return {
    dW: tf.matMul(cols, tf.transpose(dz)),
    db: tf.sum(dz, 1, true),
    dx: withInput ? col2im(tf.matMul(w.W, dz), g) : null,
  };
}

/** 2×2 max pooling, stride 2 (H and W even): [C, N·H·W] → [C, N·H/2·W/2], and its backward. */
export function maxPool2Forward(x: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: tf.Tensor } {
  const c = x.shape[0];
  const blocks = tf.reshape(x, [c * g.n * (g.h / 2), 2, g.w / 2, 2]);
  const y = tf.max(blocks, [1, 3], true);
  // The winner of each 2×2 block as a 0/1 mask of x's shape. Exact ties all
  // receive the gradient; in this CNN pooling follows a ReLU, where ties are
  // zeros whose ReLU gradient is zero anyway.
  return { y: tf.reshape(y, [c, g.n * (g.h / 2) * (g.w / 2)]), argmax: tf.cast(tf.equal(blocks, y), 'float32') };
}

export function maxPool2Backward(dy: tf.Tensor, argmax: tf.Tensor, g: Grid): tf.Tensor {
  const c = dy.shape[0];
  const up = tf.reshape(dy, [c * g.n * (g.h / 2), 1, g.w / 2, 1]);
  return tf.reshape(tf.mul(argmax, up), [c, g.n * g.h * g.w]);
}

/** Mean over each example's H × W: [C, N·H·W] → [C, N], and its backward. */
export function globalAvgPoolForward(x: tf.Tensor, g: Grid): tf.Tensor {
  return tf.mean(tf.reshape(x, [x.shape[0], g.n, g.h * g.w]), 2);
}

export function globalAvgPoolBackward(dy: tf.Tensor, g: Grid): tf.Tensor {
  const c = dy.shape[0];
  return tf.reshape(tf.tile(tf.reshape(tf.div(dy, g.h * g.w), [c, g.n, 1]), [1, 1, g.h * g.w]), [c, g.n * g.h * g.w]);
}
