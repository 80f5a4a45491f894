// The mask trainer on the LSTM encoder-decoder: the batch-of-masks gradient
// (K chunks, one sample per chunk for all time steps, one teacher-forcing coin
// per batch) equals the sum of K single passes, each run on its chunk with the
// host-built binary mask of that sample (the unmasked model's gradient is
// checked against finite differences in test/models/seq2seq.test.ts); and the
// tensor count stays flat across steps.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanExample } from '../../experiments/data/scan/grammar.ts';
import { scanSplit } from '../../experiments/data/scan/splits.ts';
import { INPUT_WORDS, OUTPUT_ACTIONS, SCAN_TOKENS, scanBatch } from '../../experiments/data/scan/vocabulary.ts';
import { uploadFrozenSeq2Seq, type Seq2SeqPart } from '../../experiments/masking/frozen-seq2seq.ts';
import { uniformNoise } from '../../experiments/masking/kernels/uniform-noise.ts';
import { MaskTrainer, sampleSeed, type MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initSeq2Seq, maskedShapes, runSeq2Seq, uploadSeq2Seq, type Seq2SeqSizes } from '../../experiments/models/seq2seq.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES: Seq2SeqSizes = { inVocab: INPUT_WORDS.length + 1, outVocab: OUTPUT_ACTIONS.length + 1, embedding: 5, hidden: 6, layers: 2 };
const CFG: MaskStageConfig = { steps: 1, batchSize: 8, samples: 4, lr: 1e-2, beta: 3e-5, logitInit: 0.5, gradClip: 5 };
const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());

function examples(seed: number, n: number): ScanExample[] {
  const all = scanSplit('simple').train;
  const rng = new Rng(seed, 'examples');
  return Array.from({ length: n }, () => all[rng.int(all.length)]);
}

describe.each(['wasm', 'cpu'] as const)('mask trainer on the seq2seq model, %s', (backendName) => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend(backendName);
  });

  it.each([true, false])('teacher forcing %s: batch-of-masks gradient = Σ over K single passes with the same masks', (teacherForcing) => {
    const params = initSeq2Seq(SIZES, new Rng(3, 'init'));
    const model = uploadFrozenSeq2Seq(active.kernels, params, SCAN_TOKENS, scanBatch);
    const trainer = new MaskTrainer(active.kernels, model, CFG, 77);
    const part: Seq2SeqPart<ScanExample> = { examples: examples(4, CFG.batchSize), teacherForcing };
    const { grads } = trainer.taskGradient([part], 1);
    const got = grads.map((g) => read(g.t));

    const shapes = maskedShapes(SIZES);
    const hostW = [...params.enc, ...params.dec, params.out].map((x) => x.W);
    const p = 1 / (1 + Math.exp(-CFG.logitInit));
    const chunk = CFG.batchSize / CFG.samples;
    const expected = shapes.map(([r, c]) => new Float64Array(r * c));
    for (let k = 0; k < CFG.samples; k++) {
      const samples = shapes.map(([r, c], l) =>
        Array.from(uniformNoise(sampleSeed(77, 1, 0, l, k), r * c), (u) => ({
          keep: p * u > (1 - p) * (1 - u),
          s: 1 / (1 + Math.exp(-(CFG.logitInit + Math.log(u) - Math.log(1 - u)))),
        })),
      );
      const masks = samples.map((m) => Uint8Array.from(m, (x) => (x.keep ? 1 : 0)));
      const dW = tf.tidy(() =>
        runSeq2Seq(
          uploadSeq2Seq(params, masks),
          SIZES,
          SCAN_TOKENS,
          scanBatch(part.examples.slice(k * chunk, (k + 1) * chunk)),
          { teacherForcing, grads: 'masked', lossScale: 1 / CFG.batchSize },
          read,
        ).dMasked.map(read),
      );
      shapes.forEach((_, l) => {
        for (let i = 0; i < expected[l].length; i++) {
          const s = samples[l][i].s;
          expected[l][i] += dW[l][i] * hostW[l][i] * s * (1 - s);
        }
      });
    }
    shapes.forEach((_, l) => {
      let scale = 0;
      for (const v of expected[l]) scale = Math.max(scale, Math.abs(v));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < expected[l].length; i++) expect(Math.abs(got[l][i] - expected[l][i])).toBeLessThan(1e-4 * scale + 1e-9);
    });
    grads.forEach((g) => g.t.dispose());
    trainer.dispose();
    model.dispose();
  });

  it('keeps the tensor count flat across steps and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const params = initSeq2Seq(SIZES, new Rng(5, 'init'));
    const model = uploadFrozenSeq2Seq(active.kernels, params, SCAN_TOKENS, scanBatch);
    const trainer = new MaskTrainer(active.kernels, model, CFG, 9);
    trainer.step([{ examples: examples(6, CFG.batchSize), teacherForcing: true }]);
    const afterOne = tf.memory().numTensors;
    for (let s = 0; s < 4; s++) trainer.step([{ examples: examples(7 + s, CFG.batchSize), teacherForcing: s % 2 === 0 }]);
    expect(tf.memory().numTensors).toBe(afterOne);
    trainer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
