// Evaluates a frozen CNN under binary masks (or none): W ⊙ m and b ⊙ m_b for
// every layer (CIFAR masks weights and biases alike), on a list of images,
// as a confusion matrix of counts: row = true class, column = predicted.
import * as tf from '@tensorflow/tfjs-core';
import type { BinaryMask } from '../masking/binary-mask.ts';
import { uploadImages, type ImageBatch } from '../masking/frozen-cnn.ts';
import { cnnForward, cnnShapes, type CnnHostParams } from '../models/cnn.ts';
import type { DenseWeights } from '../models/mlp.ts';
import { columnArgmax } from '../train/column-softmax.ts';

const EVAL_BATCH = 500;

const applyMask = (v: Float32Array, m: BinaryMask | null) => (m ? v.map((x, i) => (m[i] ? x : 0)) : v);

/** masks: W₁, b₁, W₂, b₂, … (as the logits are ordered), or null for the unmasked network. */
export function cnnConfusion(
  params: CnnHostParams,
  masks: BinaryMask[] | null,
  images: (indices: number[]) => ImageBatch,
  indices: ArrayLike<number>,
): number[][] {
  const s = params.sizes;
  const k = s.classes;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const layers: DenseWeights[] = cnnShapes(s).map(([i, o], l) => {
    const W = applyMask(params.W[l], masks ? masks[2 * l] : null);
    const t = tf.tensor(W, [i, o], 'float32');
    return { W: t, WT: tf.transpose(t), b: tf.tensor(applyMask(params.b[l], masks ? masks[2 * l + 1] : null), [o, 1], 'float32') };
  });
  try {
    for (let start = 0; start < indices.length; start += EVAL_BATCH) {
      const chunk = Array.from({ length: Math.min(EVAL_BATCH, indices.length - start) }, (_, i) => indices[start + i]);
      const batch = images(chunk);
      const out = tf.tidy(() => cnnForward(uploadImages(batch, s.channels[0], s.side, 0, batch.n), batch.n, s, layers).logits);
      const logits = out.dataSync() as Float32Array;
      out.dispose();
      for (let e = 0; e < batch.n; e++) counts[batch.labels[e]][columnArgmax(logits, e, batch.n, k).arg]++;
    }
  } finally {
    for (const l of layers) tf.dispose([l.W, l.WT, l.b]);
  }
  return counts;
}

/** Rows normalised to fractions of each true class (an empty row stays zero). */
export function normaliseRows(counts: number[][]): number[][] {
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total ? c / total : 0));
  });
}
