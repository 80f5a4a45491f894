// What the mask trainer needs from a frozen network, whatever its architecture.
// The trainer owns the logits, the noise and the optimiser; the model only runs
// a slice of a batch under given effective weights (W ⊙ m) and returns the
// gradient with respect to them. That split keeps the method (masking/) in one
// place for the MLP, the LSTM encoder-decoder and any later model.
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskSample } from './kernels/types.ts';

export interface MaskableModel<Part> {
  /** The frozen masked tensors, one per logit tensor, each 2-D [rows, cols]. */
  readonly weights: tf.Tensor[];
  /** Number of examples in a part; the trainer cuts it into K contiguous chunks. */
  size(part: Part): number;
  /** The task loss of a step is lossSum · lossScale (e.g. 1 / digits, 1 / batch). */
  lossScale(parts: Part[]): number;
  /**
   * Forward and backward of examples [start, start + count) of `part` with the
   * masked weights of `samples` (one per tensor). Returns the unscaled loss sum
   * and dLoss/dW_eff per tensor with the loss scaled by `lossScale`. Called
   * inside tf.tidy: returned tensors are the caller's to keep or drop.
   */
  chunkGradient(
    part: Part,
    start: number,
    count: number,
    samples: MaskSample[],
    lossScale: number,
    withBias?: boolean,
  ): { lossSum: number; dW: tf.Tensor[]; db?: tf.Tensor[] };
  /** Shapes of the unmasked biases, for the faithful clipping of quirk Q1 (frozen-gradients.ts); absent where a model does not support it. */
  readonly biasShapes?: number[][];
  dispose(): void;
}
