// Pre-training of the encoder-decoder on a tiny SCAN subset: the loss falls,
// greedy accuracy is computed on whole sequences, and no tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanAccuracy } from '../../experiments/analysis/seq2seq-accuracy.ts';
import { allScanExamples } from '../../experiments/data/scan/grammar.ts';
import { INPUT_WORDS, OUTPUT_ACTIONS, SCAN_TOKENS, scanBatch } from '../../experiments/data/scan/vocabulary.ts';
import { initSeq2Seq, uploadSeq2Seq, type Seq2SeqHostParams } from '../../experiments/models/seq2seq.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { pretrainSeq2Seq } from '../../experiments/train/pretrain-seq2seq.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES = { inVocab: INPUT_WORDS.length + 1, outVocab: OUTPUT_ACTIONS.length + 1, embedding: 8, hidden: 24, layers: 1 };

describe('seq2seq pre-training', () => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend('wasm');
  });

  it('learns the one-verb commands (loss falls, greedy accuracy rises) without leaking tensors', () => {
    // The 34 single V-phrases: short, so this stays fast.
    const data = allScanExamples().filter((e) => e.actions.length <= 4 && !e.command.includes(' and ') && !e.command.includes(' after '));
    const rng = new Rng(1, 'batches');
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const init = initSeq2Seq(SIZES, new Rng(2, 'init'));
    const accuracy = (p: Seq2SeqHostParams) => tf.tidy(() => scanAccuracy(uploadSeq2Seq(p), SIZES, data, (t) => Float32Array.from(t.dataSync())));
    const start = accuracy(init);
    const r = pretrainSeq2Seq(
      active.kernels,
      init,
      SCAN_TOKENS,
      { steps: 300, batchSize: 16, lr: 1e-2, gradClip: 5, teacherForcing: 0.5, finalLrFactor: 1 },
      (n) => scanBatch(Array.from({ length: n }, () => data[rng.int(data.length)])),
      new Rng(1, 'tf'),
      (_, loss) => losses.push(loss),
    );
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(losses.slice(-30))).toBeLessThan(0.3 * mean(losses.slice(0, 30)));
    expect(accuracy(r.params)).toBeGreaterThan(Math.max(0.5, start + 0.3));
  });
});
