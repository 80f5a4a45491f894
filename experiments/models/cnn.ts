// The simple CNN of the CIFAR-10 experiment (docs/method.md §7.2), forward and
// backward by hand on the pieces of conv2d.ts, feature-major ([channels,
// N·H·W]) throughout:
//
//   conv3×3(c0→c1) ReLU maxpool2 · conv(c1→c2) ReLU maxpool2 · conv(c2→c3) ReLU maxpool2
//   · conv(c3→c4) ReLU · global average pool · linear(c4→classes)
//
// The paper's network is 3-32-64-128-256 with dropout 0.25 and 0.5 after the
// third and fourth convolutions; this one has no dropout (the paper's
// `cifar10_no_dropout` variant). All weights and biases can be masked, so a
// layer's weights arrive as given tensors (W ⊙ m, its transpose, b ⊙ m_b).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.ts';
import {
  conv3x3Backward,
  conv3x3Forward,
  globalAvgPoolBackward,
  globalAvgPoolForward,
  maxPool2ReluBackward,
  reluBackward,
  reluMaxPool2Forward,
  type Grid,
  type PoolIndex,
} from './conv2d.ts';
import type { DenseWeights } from './mlp.ts';
import { plainMatMul } from './kernels/plain-matmul.ts';

export interface CnnSizes {
  /** Input channels, then the four convolutions' output channels, e.g. [3, 32, 64, 128, 256]. */
  channels: number[];
  classes: number;
  /** Image side (32 for CIFAR-10); divisible by 8. */
  side: number;
}

/** Host parameters: conv weights [9·C_in, C_out] (offset-major rows), the linear layer [C_last, classes]; biases per layer. */
export interface CnnHostParams {
  sizes: CnnSizes;
  W: Float32Array[];
  b: Float32Array[];
}

/** Shapes of the five weight tensors, in the layout of CnnHostParams.W. */
export function cnnShapes(s: CnnSizes): [number, number][] {
  const convs = s.channels.slice(1).map((c, l): [number, number] => [9 * s.channels[l], c]);
  return [...convs, [s.channels[s.channels.length - 1], s.classes]];
}

/** PyTorch defaults: weights and biases U(±1/√fan_in), fan_in = 9·C_in for a convolution. */
export function initCnn(sizes: CnnSizes, rng: Rng): CnnHostParams {
  const shapes = cnnShapes(sizes);
  return {
    sizes,
    W: shapes.map(([fan, out]) => rng.fillUniform(new Float32Array(fan * out), -1 / Math.sqrt(fan), 1 / Math.sqrt(fan))),
    b: shapes.map(([fan, out]) => rng.fillUniform(new Float32Array(out), -1 / Math.sqrt(fan), 1 / Math.sqrt(fan))),
  };
}

export interface CnnCache {
  grids: Grid[];
  cols: tf.Tensor[];
  /**
   * What each convolution's ReLU gate is read from in the backward pass: the
   * pooled output for the first three (the gate is open at a block's winner
   * where its pooled value is positive), the ReLU's output for the fourth.
   */
  gate: tf.Tensor[];
  argmax: (PoolIndex | null)[];
  pooled: tf.Tensor;
  /** Logitsᵀ [classes, N]. */
  logits: tf.Tensor;
}

/** x: [C0, N·side·side]; layers: the four convolutions then the linear layer. */
export function cnnForward(x: tf.Tensor, n: number, sizes: CnnSizes, layers: DenseWeights[]): CnnCache {
  const grids: Grid[] = [];
  const cols: tf.Tensor[] = [];
  const gate: tf.Tensor[] = [];
  const argmax: (PoolIndex | null)[] = [];
  let h = x;
  let g: Grid = { n, h: sizes.side, w: sizes.side };
  for (let l = 0; l < 4; l++) {
    grids.push(g);
    const f = conv3x3Forward(h, g, layers[l]);
    cols.push(f.cols);
    if (l < 3) {
      // ReLU and pooling in one pass: the activation before pooling is never materialised.
      const p = reluMaxPool2Forward(f.z, g);
      argmax.push(p.argmax);
      gate.push(p.y);
      h = p.y;
      g = { n, h: g.h / 2, w: g.w / 2 };
    } else {
      argmax.push(null);
      h = tf.relu(f.z);
      gate.push(h);
    }
  }
  const pooled = globalAvgPoolForward(h, g);
  const logits = plainMatMul().affine(layers[4].WT, [pooled], layers[4].b);
  return { grids, cols, gate, argmax, pooled, logits };
}

/** dLoss/dW and dLoss/db of the five layers (as used, i.e. of W ⊙ m and b ⊙ m_b) from dLoss/dlogitsᵀ. */
export function cnnBackward(cache: CnnCache, dLogits: tf.Tensor, layers: DenseWeights[]): { dW: tf.Tensor[]; db: tf.Tensor[] } {
  const dW: tf.Tensor[] = new Array(5);
  const db: tf.Tensor[] = new Array(5);
  dW[4] = plainMatMul().matMul(cache.pooled, plainMatMul().transpose(dLogits));
  db[4] = tf.sum(dLogits, 1, true);
  const last = cache.grids[3];
  let dA = globalAvgPoolBackward(plainMatMul().matMul(layers[4].W, dLogits), last);
  for (let l = 3; l >= 0; l--) {
    const g = cache.grids[l];
    const dz = l < 3 ? maxPool2ReluBackward(dA, cache.argmax[l]!, cache.gate[l], g) : reluBackward(dA, cache.gate[l]);
    const back = conv3x3Backward(dz, cache.cols[l], g, layers[l], l > 0);
    dW[l] = back.dW;
    db[l] = back.db;
    if (back.dx) dA = back.dx;
  }
  return { dW, db };
}
