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

/** The spatial shape of an activation: N examples of H × W. */
export interface Grid {
  n: number;
  h: number;
  w: number;
}

const OFFSETS = [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => [dy, dx] as const));

/**
 * Calls f(dst, src, len) for every row segment that im2col copies: offset k,
 * channel c, example e, output row y; `dst` indexes cols [9·C, N·H·W], `src`
 * indexes x [C, N·H·W]. One walk serves im2col (copy) and col2im (add back).
 */
function forEachShiftedRow(c: number, g: Grid, f: (dst: number, src: number, len: number) => void): void {
  const hw = g.h * g.w;
  OFFSETS.forEach(([dy, dx], k) => {
    const oy = dy - 1;
    const ox = dx - 1;
    const x0 = Math.max(0, -ox);
    const len = g.w - Math.abs(ox);
    for (let ch = 0; ch < c; ch++) {
      for (let e = 0; e < g.n; e++) {
        const src = (ch * g.n + e) * hw;
        const dst = ((k * c + ch) * g.n + e) * hw;
        for (let y = Math.max(0, -oy); y < Math.min(g.h, g.h - oy); y++) f(dst + y * g.w + x0, src + (y + oy) * g.w + x0 + ox, len);
      }
    }
  });
}

// The data movement below runs as plain loops on host arrays: tfjs-wasm's
// generic 4-D slice, pad and broadcasting compare were 70% of a step (measured:
// 0.88 s per 16-32-64-128 step at batch 128, of which matMul 0.16 s).

/** [C, N·H·W] → [9·C, N·H·W]: for each 3×3 offset, the input shifted by it (padding 1, zeros outside). */
export function im2col(x: tf.Tensor, g: Grid): tf.Tensor {
  const c = x.shape[0];
  const src = x.dataSync() as Float32Array;
  const out = new Float32Array(9 * src.length);
  forEachShiftedRow(c, g, (dst, from, len) => {
    for (let i = 0; i < len; i++) out[dst + i] = src[from + i];
  });
  return tf.tensor(out, [9 * c, src.length / c], 'float32');
}

/** The adjoint of im2col: [9·C, N·H·W] → [C, N·H·W], each offset's rows shifted back and summed. */
export function col2im(cols: tf.Tensor, g: Grid): tf.Tensor {
  const c = cols.shape[0] / 9;
  const src = cols.dataSync() as Float32Array;
  const out = new Float32Array(src.length / 9);
  forEachShiftedRow(c, g, (from, dst, len) => {
    for (let i = 0; i < len; i++) out[dst + i] += src[from + i];
  });
  return tf.tensor(out, [c, out.length / c], 'float32');
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

export function conv3x3Backward(
  dz: tf.Tensor,
  cols: tf.Tensor,
  g: Grid,
  w: ConvWeights,
  withInput: boolean,
): { dW: tf.Tensor; db: tf.Tensor; dx: tf.Tensor | null } {
  return {
    dW: tf.matMul(cols, tf.transpose(dz)),
    db: tf.sum(dz, 1, true),
    dx: withInput ? col2im(tf.matMul(w.W, dz), g) : null,
  };
}

/** 2×2 max pooling, stride 2 (H and W even): [C, N·H·W] → [C, N·H/2·W/2], and its backward. */
export function maxPool2Forward(x: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: Uint8Array } {
  const src = x.dataSync() as Float32Array;
  const rows = src.length / g.w; // C·N·H rows of W
  const half = g.w / 2;
  const y = new Float32Array(src.length / 4);
  // Which of the block's four cells won (0 top-left, 1 top-right, 2, 3): the
  // first in that order on ties. In this CNN pooling follows a ReLU, where ties
  // are zeros whose ReLU gradient is zero anyway.
  const argmax = new Uint8Array(y.length);
  for (let r = 0; r < rows; r += 2) {
    for (let j = 0; j < half; j++) {
      const top = r * g.w + 2 * j;
      const cells = [src[top], src[top + 1], src[top + g.w], src[top + g.w + 1]];
      let best = 0;
      for (let q = 1; q < 4; q++) if (cells[q] > cells[best]) best = q;
      const o = (r / 2) * half + j;
      y[o] = cells[best];
      argmax[o] = best;
    }
  }
  return { y: tf.tensor(y, [x.shape[0], y.length / x.shape[0]], 'float32'), argmax };
}

export function maxPool2Backward(dy: tf.Tensor, argmax: Uint8Array, g: Grid): tf.Tensor {
  const d = dy.dataSync() as Float32Array;
  const half = g.w / 2;
  const out = new Float32Array(d.length * 4);
  for (let o = 0; o < d.length; o++) {
    const r = 2 * Math.floor(o / half);
    const j = o % half;
    const q = argmax[o];
    out[(r + (q >> 1)) * g.w + 2 * j + (q & 1)] = d[o];
  }
  return tf.tensor(out, [dy.shape[0], out.length / dy.shape[0]], 'float32');
}

/** Mean over each example's H × W: [C, N·H·W] → [C, N], and its backward. */
export function globalAvgPoolForward(x: tf.Tensor, g: Grid): tf.Tensor {
  return tf.mean(tf.reshape(x, [x.shape[0], g.n, g.h * g.w]), 2);
}

export function globalAvgPoolBackward(dy: tf.Tensor, g: Grid): tf.Tensor {
  const d = dy.dataSync() as Float32Array;
  const hw = g.h * g.w;
  const out = new Float32Array(d.length * hw);
  for (let i = 0; i < d.length; i++) out.fill(d[i] / hw, i * hw, (i + 1) * hw);
  return tf.tensor(out, [dy.shape[0], out.length / dy.shape[0]], 'float32');
}
