// A plain feed-forward network (Linear → ReLU → … → Linear) with its forward
// and backward pass written out by hand, in feature-major layout: activations
// are [units, batch] and a layer computes zᵀ = Wᵀ hᵀ + b.
//
// Why by hand and why this layout: on tfjs-wasm, tf.matMul is fast only as a
// plain 2-D product whose *second* operand is small or reused (XNNPACK packs
// the second operand on every new tensor id), and the gradients tfjs would
// derive use transpose flags that fall off the fast path (docs/design.md). Here
// every product has the (freshly masked) weight as its first operand and a thin
// activation as its second, with no transpose flags; the products run in the
// plain matMul kernel (kernels/plain-matmul.as.ts), the bits of tf.matMul's
// without the packing. Tests check the gradients against finite differences.
import * as tf from '@tensorflow/tfjs-core';
import { plainMatMul as mm } from './kernels/plain-matmul.ts';
import { Rng } from '../runtime/rng.ts';

/** The weights one forward pass uses: W [in, out], its transpose, and bias [out, 1]. */
export interface DenseWeights {
  W: tf.Tensor;
  WT: tf.Tensor;
  b: tf.Tensor;
}

/** Host copy of an MLP's parameters, sample-major like PyTorch's weightᵀ: W[i * out + o]. */
export interface MlpHostParams {
  sizes: number[];
  W: Float32Array[];
  b: Float32Array[];
}

/** PyTorch's default Linear init: weight and bias ~ U(−1/√fan_in, 1/√fan_in). */
export function initMlp(sizes: number[], rng: Rng): MlpHostParams {
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = 1 / Math.sqrt(sizes[l]);
    W.push(rng.fillUniform(new Float32Array(sizes[l] * sizes[l + 1]), -bound, bound));
    b.push(rng.fillUniform(new Float32Array(sizes[l + 1]), -bound, bound));
  }
  return { sizes, W, b };
}

export function layerShapes(sizes: number[]): [number, number][] {
  return sizes.slice(1).map((out, l) => [sizes[l], out]);
}

export interface ForwardCache {
  /** inputs[l] = hᵀ entering layer l; inputs[L] = output logitsᵀ. */
  inputs: tf.Tensor[];
}

/** Forward pass; ReLU after every layer but the last. Returns logitsᵀ [out, batch]. */
export function mlpForward(xT: tf.Tensor, layers: DenseWeights[]): ForwardCache {
  const inputs = [xT];
  let h = xT;
  for (let l = 0; l < layers.length; l++) {
    const z = mm().affine(layers[l].WT, [h], layers[l].b);
    h = l + 1 < layers.length ? tf.relu(z) : z;
    inputs.push(h);
  }
  return { inputs };
}

export interface MlpGradients {
  /** dLoss/dW for each layer, [in, out] (the layout of DenseWeights.W). */
  dW: tf.Tensor[];
  /** dLoss/db, [out, 1]; only when asked for. */
  db: tf.Tensor[];
}

/**
 * Backward pass from dLoss/dlogitsᵀ. Gradients flow to each layer's weights as
 * used (for a masked network, that is W ⊙ m, which the mask kernels turn into
 * the logit gradient).
 */
export function mlpBackward(cache: ForwardCache, dOutT: tf.Tensor, layers: DenseWeights[], withBias: boolean): MlpGradients {
  const L = layers.length;
  const dW: tf.Tensor[] = new Array(L);
  const db: tf.Tensor[] = [];
  let dz = dOutT;
  for (let l = L - 1; l >= 0; l--) {
    // dW = h · dzᵀ: [in, batch] × [batch, out]; the small dzᵀ is the packed operand.
    dW[l] = mm().matMul(cache.inputs[l], mm().transpose(dz));
    if (withBias) db[l] = tf.sum(dz, 1, true);
    if (l > 0) {
      const dh = mm().matMul(layers[l].W, dz);
      // ReLU: the gradient passes where the unit was active.
      dz = tf.mul(dh, tf.step(cache.inputs[l]));
    }
  }
  return { dW, db };
}
