// Exact-sequence accuracy of the encoder-decoder under given weights, with
// greedy decoding (each step fed the previous arg-max), on a list of examples.
import * as tf from '@tensorflow/tfjs-core';
import type { ScanExample } from '../data/scan/grammar.ts';
import { SCAN_TOKENS, scanBatch } from '../data/scan/vocabulary.ts';
import { runSeq2Seq, type Seq2SeqSizes, type Seq2SeqWeights } from '../models/seq2seq.ts';

const EVAL_BATCH = 512;

export function scanAccuracy(weights: Seq2SeqWeights, sizes: Seq2SeqSizes, examples: ScanExample[], read: (t: tf.Tensor) => Float32Array): number {
  let correct = 0;
  for (let start = 0; start < examples.length; start += EVAL_BATCH) {
    const batch = scanBatch(examples.slice(start, start + EVAL_BATCH));
    correct += tf.tidy(() => runSeq2Seq(weights, sizes, SCAN_TOKENS, batch, { teacherForcing: false, grads: 'none', lossScale: 1 }, read).correct);
  }
  return correct / examples.length;
}
