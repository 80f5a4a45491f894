// The encoder-decoder's backward pass through time (masked tensors and all
// other parameters) against central finite differences, with sequences of
// different lengths in one batch, teacher-forced and free-running.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSeq2Seq, uploadSeq2Seq, runSeq2Seq, type Seq2SeqBatch, type Seq2SeqHostParams, type Seq2SeqSizes } from '../../experiments/models/seq2seq.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES: Seq2SeqSizes = { inVocab: 5, outVocab: 4, embedding: 3, hidden: 4, layers: 2 };
const TOKENS = { sos: 3, eos: 3 };
const UNSORTED: Seq2SeqBatch = {
  n: 3,
  inSteps: 4,
  inputs: Int32Array.from([0, 1, 2, 4, 2, 4, 0, 0, 1, 3, 4, 0]),
  inLen: Int32Array.from([4, 2, 3]),
  outSteps: 3,
  targets: Int32Array.from([0, 1, 2, 2, 0, 0, 1, 1, 0]),
  outLen: Int32Array.from([3, 1, 2]),
};
/** The same examples ordered by output length, longest first: the decoder then drops finished ones. */
const SORTED: Seq2SeqBatch = {
  n: 3,
  inSteps: 4,
  inputs: Int32Array.from([0, 1, 2, 4, 1, 3, 4, 0, 2, 4, 0, 0]),
  inLen: Int32Array.from([4, 3, 2]),
  outSteps: 3,
  targets: Int32Array.from([0, 1, 2, 1, 1, 0, 2, 0, 0]),
  outLen: Int32Array.from([3, 2, 1]),
};
let BATCH = UNSORTED;

const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());

function loss(p: Seq2SeqHostParams, teacherForcing: boolean): number {
  return tf.tidy(() => runSeq2Seq(uploadSeq2Seq(p), SIZES, TOKENS, BATCH, { teacherForcing, grads: 'none', lossScale: 1 / BATCH.n }, read).lossSum / BATCH.n);
}

describe.each(['wasm', 'cpu'] as const)('seq2seq on %s', (name) => {
  beforeAll(async () => {
    await useBackend(name);
  });

  it.each([
    [true, 'unsorted'],
    [false, 'unsorted'],
    [true, 'sorted'],
    [false, 'sorted'],
  ] as const)('teacher forcing %s, %s batch: gradients of every parameter match finite differences', (teacherForcing, order) => {
    BATCH = order === 'sorted' ? SORTED : UNSORTED;
    const p = initSeq2Seq(SIZES, new Rng(7, 'init'));
    const g = tf.tidy(() => {
      const r = runSeq2Seq(uploadSeq2Seq(p), SIZES, TOKENS, BATCH, { teacherForcing, grads: 'all', lossScale: 1 / BATCH.n }, read);
      return {
        masked: r.dMasked.map(read),
        encEmbT: read(r.dOther!.encEmbT),
        decEmbT: read(r.dOther!.decEmbT),
        encB: r.dOther!.encB.map(read),
        decB: r.dOther!.decB.map(read),
        outB: read(r.dOther!.outB),
      };
    });
    const params: [string, Float32Array, Float32Array][] = [
      ...p.enc.map((x, l) => [`encW${l}`, x.W, g.masked[l]] as [string, Float32Array, Float32Array]),
      ...p.dec.map((x, l) => [`decW${l}`, x.W, g.masked[SIZES.layers + l]] as [string, Float32Array, Float32Array]),
      ['outW', p.out.W, g.masked[2 * SIZES.layers]],
      ...p.enc.map((x, l) => [`encB${l}`, x.b, g.encB[l]] as [string, Float32Array, Float32Array]),
      ...p.dec.map((x, l) => [`decB${l}`, x.b, g.decB[l]] as [string, Float32Array, Float32Array]),
      ['outB', p.out.b, g.outB],
      ['encEmb', p.encEmbT, g.encEmbT],
      ['decEmb', p.decEmbT, g.decEmbT],
    ];
    const h = 1e-2;
    let checked = 0,
      nonzero = 0;
    for (const [label, arr, analytic] of params) {
      for (let i = 0; i < arr.length; i += 2) {
        const orig = arr[i];
        arr[i] = orig + h;
        const up = loss(p, teacherForcing);
        arr[i] = orig - h;
        const down = loss(p, teacherForcing);
        arr[i] = orig;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(fd - analytic[i]), `${label}[${i}]: fd ${fd} vs ${analytic[i]}`).toBeLessThan(2e-3);
        checked++;
        if (Math.abs(analytic[i]) > 1e-3) nonzero++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect(nonzero).toBeGreaterThan(checked / 3);
  });

  it('the order of the batch changes neither the loss nor the gradients', () => {
    const p = initSeq2Seq(SIZES, new Rng(9, 'init'));
    const run = (b: Seq2SeqBatch) =>
      tf.tidy(() => {
        const r = runSeq2Seq(uploadSeq2Seq(p), SIZES, TOKENS, b, { teacherForcing: true, grads: 'masked', lossScale: 1 }, read);
        return { loss: r.lossSum, correct: r.correct, grads: r.dMasked.map(read) };
      });
    const a = run(UNSORTED),
      b = run(SORTED);
    expect(b.loss).toBeCloseTo(a.loss, 4);
    expect(b.correct).toBe(a.correct);
    a.grads.forEach((g, k) => g.forEach((v, i) => expect(b.grads[k][i]).toBeCloseTo(v, 5)));
  });

  it('leaves no tensors behind inside tidy', () => {
    const before = tf.memory().numTensors;
    const p = initSeq2Seq(SIZES, new Rng(8, 'init'));
    tf.tidy(() => {
      runSeq2Seq(uploadSeq2Seq(p), SIZES, TOKENS, BATCH, { teacherForcing: false, grads: 'all', lossScale: 1 }, read);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
