// The pieces of the CIFAR-10 CNN (docs/method.md §7.2) with their backward passes
// written by hand, in the feature-major layout of the MLP: an activation is a
// 2-D tensor [channels, N·H·W] (example-major, then row, then column), so that
// a 3×3 convolution is one plain 2-D matMul with the (masked) weight as its
// first operand, the fast path on tfjs-wasm (see mlp.ts):
//
//   cols = im2col(x)        [9·C_in, N·H·W]   rows: offset (dy, dx) major, channel minor
//   z    = Wᵀ · cols + b    W: [9·C_in, C_out]
//   dW   = cols · dzᵀ,  dcols = W · dz,  dx = col2im(dcols)
//
// tfjs-wasm has no Conv2DBackpropFilter (docs/design.md), and its conv2d would put
// the weight in the slow second-operand position. im2col copies 9 shifted
// copies of the input (zero padding 1), col2im adds them back.
import * as tf from '@tensorflow/tfjs-core';
import { convMoves, type Grid, type PoolIndex } from './kernels/conv-moves.ts';
import { plainMatMul } from './kernels/plain-matmul.ts';

export type { Grid, PoolIndex } from './kernels/conv-moves.ts';

// The data movement (im2col, col2im, pooling) is in kernels/conv-moves.ts: a
// WebAssembly kernel on the tfjs-wasm heap, or plain JS loops on other backends.
// tfjs-wasm's generic 4-D slice, pad and broadcasting compare were 70% of a step
// (measured: 0.88 s per 16-32-64-128 step at batch 128, of which matMul 0.16 s).

/** [C, N·H·W] → [9·C, N·H·W]: for each 3×3 offset, the input shifted by it (padding 1, zeros outside). */
export function im2col(x: tf.Tensor, g: Grid): tf.Tensor {
  return convMoves().im2col(x, g);
}

/** The adjoint of im2col: [9·C, N·H·W] → [C, N·H·W], each offset's rows shifted back and summed. */
export function col2im(cols: tf.Tensor, g: Grid): tf.Tensor {
  return convMoves().col2im(cols, g);
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
  return { z: plainMatMul().affine(w.WT, [cols], w.b), cols };
}

export function conv3x3Backward(
  dz: tf.Tensor,
  cols: tf.Tensor,
  g: Grid,
  w: ConvWeights,
  withInput: boolean,
): { dW: tf.Tensor; db: tf.Tensor; dx: tf.Tensor | null } {
  const mm = plainMatMul();
  return {
    dW: mm.matMul(cols, mm.transpose(dz)),
    db: tf.sum(dz, 1, true),
    dx: withInput ? col2im(mm.matMul(w.W, dz), g) : null,
  };
}

/** 2×2 max pooling, stride 2 (H and W even): [C, N·H·W] → [C, N·H/2·W/2], and its backward. */
export function maxPool2Forward(x: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: PoolIndex } {
  return convMoves().maxPoolForward(x, g);
}

export function maxPool2Backward(dy: tf.Tensor, argmax: PoolIndex, g: Grid): tf.Tensor {
  return convMoves().maxPoolBackward(dy, argmax, g);
}

/** maxPool2Forward(relu(z)) in one pass (the same bits). */
export function reluMaxPool2Forward(z: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: PoolIndex } {
  return convMoves().reluMaxPoolForward(z, g);
}

/** The backward of reluMaxPool2Forward: the bits of maxPool2Backward(dy) ⊙ step(z), from the pooled y. */
export function maxPool2ReluBackward(dy: tf.Tensor, argmax: PoolIndex, y: tf.Tensor, g: Grid): tf.Tensor {
  return convMoves().maxPoolReluBackward(dy, argmax, y, g);
}

/** The ReLU's backward from its output a = relu(z): the bits of d ⊙ step(z). */
export function reluBackward(d: tf.Tensor, a: tf.Tensor): tf.Tensor {
  return convMoves().reluBackward(d, a);
}

/** Mean over each example's H × W: [C, N·H·W] → [C, N], and its backward. */
export function globalAvgPoolForward(x: tf.Tensor, g: Grid): tf.Tensor {
  return tf.mean(tf.reshape(x, [x.shape[0], g.n, g.h * g.w]), 2);
}

export function globalAvgPoolBackward(dy: tf.Tensor, g: Grid): tf.Tensor {
  return convMoves().avgPoolBackward(dy, g);
}
