// The SCAN evaluation sets, fixed for every seed and mask: each split's test set
// (optionally a seeded subset, for the quick profile) and a subset of each
// split's training set (the paper checks every mask on 4,182 of its own
// training examples: a mask that broke its own data would prove nothing).
import * as tf from '@tensorflow/tfjs-core';
import type { ScanExample } from '../data/scan/grammar.ts';
import { SCAN_SPLITS, scanSplit, type ScanSplit } from '../data/scan/splits.ts';
import { uploadSeq2Seq, type Seq2SeqHostParams } from '../models/seq2seq.ts';
import { Rng } from '../runtime/rng.ts';
import { scanAccuracy } from './seq2seq-accuracy.ts';

/** Test-set names on the page: the i.i.d. split's test set is "iid". */
export const TEST_SET_OF: Record<ScanSplit, string> = { simple: 'iid', jump: 'jump', length: 'length', turn_left: 'turn_left' };

/** The eval set of a mask's (or baseline's) own training subset. */
export const OWN_TRAIN = 'own train';

export interface ScanEvalSets {
  /** Test set per split, keyed by TEST_SET_OF names. */
  tests: Map<string, ScanExample[]>;
  /** Training-set subset per split. */
  trains: Map<ScanSplit, ScanExample[]>;
}

function subset(xs: ScanExample[], limit: number | null, label: string): ScanExample[] {
  if (limit === null || xs.length <= limit) return xs;
  const order = new Rng(1, `scan-eval:${label}`).permutation(xs.length);
  return Array.from(order.subarray(0, limit), (i) => xs[i]);
}

export function scanEvalSets(testLimit: number | null, trainSize: number): ScanEvalSets {
  const tests = new Map<string, ScanExample[]>();
  const trains = new Map<ScanSplit, ScanExample[]>();
  for (const split of SCAN_SPLITS) {
    const data = scanSplit(split);
    tests.set(TEST_SET_OF[split], subset(data.test, testLimit, `${split}-test`));
    trains.set(split, subset(data.train, trainSize, `${split}-train`));
  }
  return { tests, trains };
}

/** Exact-sequence accuracy of the host parameters under binary masks (null: unmasked). */
export function maskedAccuracy(params: Seq2SeqHostParams, masks: Uint8Array[] | null, examples: ScanExample[], read: (t: tf.Tensor) => Float32Array): number {
  return tf.tidy(() => scanAccuracy(uploadSeq2Seq(params, masks), params.sizes, examples, read));
}
