// One LSTM layer step with its backward pass written by hand, in the same
// feature-major layout as the MLP (activations [units, batch]), so that a
// masked weight is always the first operand of a plain 2-D matMul (see mlp.ts
// for why that is the fast path on tfjs-wasm).
//
// The input and recurrent weights are stacked into one matrix
//   W = [W_ih; W_hh]   shape [in + H, 4H], gate order [input, forget, cell, output]
// so one product computes all gates: zᵀ = Wᵀ [xᵀ; hᵀ] + b. For the analyses
// the rows 0..in-1 (W_ih) and in..in+H-1 (W_hh) are reported separately.
import * as tf from '@tensorflow/tfjs-core';
import { lstmPointwise, type LstmPointwise } from './kernels/lstm-pointwise.ts';
import { plainMatMul as mm } from './kernels/plain-matmul.ts';

export interface LstmWeights {
  /** [in + H, 4H]: first operand of the input-gradient product. */
  W: tf.Tensor;
  /** [4H, in + H]: first operand of the gate product. */
  WT: tf.Tensor;
  /** [4H, 1]. */
  b: tf.Tensor;
}

export interface LstmState {
  h: tf.Tensor;
  c: tf.Tensor;
}

/** What the backward pass of one step needs. */
export interface LstmStepCache {
  /** The step's input [xᵀ; hᵀ_prev] as its two row blocks, xᵀ [in, batch] and hᵀ_prev [H, batch] (never concatenated). */
  inputs: [tf.Tensor, tf.Tensor];
  cPrev: tf.Tensor;
  /** [i; f; g; o] after their non-linearities, [4H, batch]. */
  act: tf.Tensor;
  /** tanh(c). */
  tc: tf.Tensor;
}

export function lstmStepForward(
  xT: tf.Tensor,
  state: LstmState,
  w: LstmWeights,
  pw: LstmPointwise = lstmPointwise(),
): { state: LstmState; cache: LstmStepCache } {
  // Wᵀ [xᵀ; hᵀ] + b, reading xᵀ and hᵀ where they lie (the bits of concat, matMul, add).
  const z = mm().affine(w.WT, [xT, state.h], w.b);
  const { act, c, h, tc } = pw.forward(z, state.c);
  return { state: { h, c }, cache: { inputs: [xT, state.h], cPrev: state.c, act, tc } };
}

export interface LstmStepGradients {
  /** dLoss/d gate pre-activations, [4H, batch]: with the step's [xᵀ; hᵀ] it gives the weight gradient (see weightGradient). */
  dz: tf.Tensor;
  dx: tf.Tensor;
  dhPrev: tf.Tensor;
  dcPrev: tf.Tensor;
}

/**
 * Backward through one step, from the gradients reaching its outputs h and c.
 * inputSize is the number of rows of xᵀ (the rest of [xᵀ; hᵀ] is h). The
 * weight gradient is left to weightGradient, over all steps at once.
 */
export function lstmStepBackward(
  cache: LstmStepCache,
  dh: tf.Tensor,
  dc: tf.Tensor,
  w: LstmWeights,
  inputSize: number,
  pw: LstmPointwise = lstmPointwise(),
): LstmStepGradients {
  const { dz, dcPrev } = pw.backward(cache.act, cache.tc, cache.cPrev, dh, dc);
  // W · dz, its x rows and its h rows computed apart (no product to slice).
  const [dx, dhPrev] = mm().matMulRowBlocks(w.W, dz, [inputSize, dh.shape[0]]);
  return { dz, dx, dhPrev, dcPrev };
}

/**
 * Σ_t inputs_t · dz_tᵀ (and Σ_t dz_t summed over the batch for the bias) as one
 * product over all steps side by side: one large matMul instead of one small
 * one per step (the per-step products were most of the matMul time). Each
 * step's input comes as row blocks ([xᵀ, hᵀ_prev] for a cell, [hᵀ] for a dense
 * layer); each block's rows of dW are computed on their own, which gives the
 * bits of the product of the stacked inputs.
 */
export function weightGradient(inputs: tf.Tensor[][], dz: tf.Tensor[], withBias: boolean): { dW: tf.Tensor; db: tf.Tensor | null } {
  const all = mm().concatColumns(dz);
  const blocks = inputs[0].map((_, r) => mm().concatColumns(inputs.map((step) => step[r])));
  return {
    dW: mm().matMulConcatRows(blocks, mm().transpose(all)),
    db: withBias ? tf.sum(all, 1, true) : null,
  };
}
