// Pre-training of the LSTM encoder-decoder (docs/method.md §5.2): Adam, global
// norm clipping (5 for SCAN), batches sampled with replacement, and each batch
// teacher-forced with probability 0.5, otherwise decoded free-running.
import { adamHyper, adamSlots, disposeSlots, readParam } from './adam-slots.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from '../masking/kernels/index.ts';
import type { AdamSlots } from '../masking/kernels/types.ts';
import { maskedShapes, runSeq2Seq, type Seq2SeqBatch, type Seq2SeqHostParams, type Seq2SeqTokens, type Seq2SeqWeights } from '../models/seq2seq.ts';
import type { Rng } from '../runtime/rng.ts';
import { clipScale } from './clip.ts';
import { checkGradientSumOfSquares, checkLoss } from './finite.ts';
import { TrailingMean } from './trailing-mean.ts';

export interface Seq2SeqTrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  gradClip: number;
  teacherForcing: number;
  /** Linear decay of the learning rate to `lr * finalLrFactor` over the run (1 = constant, as in the paper). */
  finalLrFactor: number;
}

interface ParamSlots {
  encW: AdamSlots[];
  encB: AdamSlots[];
  decW: AdamSlots[];
  decB: AdamSlots[];
  outW: AdamSlots;
  outB: AdamSlots;
  encEmbT: AdamSlots;
  decEmbT: AdamSlots;
}

function slotsOf(kernels: Kernels, p: Seq2SeqHostParams): ParamSlots {
  const s = p.sizes;
  const shapes = maskedShapes(s);
  const adam = (values: Float32Array, shape: number[]) => adamSlots(kernels, values, shape);
  return {
    encW: p.enc.map((x, l) => adam(x.W, shapes[l])),
    encB: p.enc.map((x) => adam(x.b, [4 * s.hidden, 1])),
    decW: p.dec.map((x, l) => adam(x.W, shapes[s.layers + l])),
    decB: p.dec.map((x) => adam(x.b, [4 * s.hidden, 1])),
    outW: adam(p.out.W, [s.hidden, s.outVocab]),
    outB: adam(p.out.b, [s.outVocab, 1]),
    encEmbT: adam(p.encEmbT, [s.embedding, s.inVocab]),
    decEmbT: adam(p.decEmbT, [s.embedding, s.outVocab]),
  };
}

/** The forward weights of the current parameters (transposes are new tensors; call inside tf.tidy). */
function weightsOf(kernels: Kernels, s: ParamSlots): Seq2SeqWeights {
  const lstm = (W: AdamSlots[], b: AdamSlots[]) => W.map((w, l) => ({ W: w.param.t, WT: kernels.transpose(w.param.t), b: b[l].param.t }));
  return {
    encEmbT: s.encEmbT.param.t,
    decEmbT: s.decEmbT.param.t,
    enc: lstm(s.encW, s.encB),
    dec: lstm(s.decW, s.decB),
    out: { W: s.outW.param.t, WT: kernels.transpose(s.outW.param.t), b: s.outB.param.t },
  };
}

function toHost(kernels: Kernels, sizes: Seq2SeqHostParams['sizes'], s: ParamSlots): Seq2SeqHostParams {
  const h = (a: AdamSlots) => readParam(kernels, a);
  return {
    sizes,
    encEmbT: h(s.encEmbT),
    decEmbT: h(s.decEmbT),
    enc: s.encW.map((w, l) => ({ W: h(w), b: h(s.encB[l]) })),
    dec: s.decW.map((w, l) => ({ W: h(w), b: h(s.decB[l]) })),
    out: { W: h(s.outW), b: h(s.outB) },
  };
}

export function pretrainSeq2Seq(
  kernels: Kernels,
  init: Seq2SeqHostParams,
  tokens: Seq2SeqTokens,
  cfg: Seq2SeqTrainConfig,
  sampleBatch: (n: number) => Seq2SeqBatch,
  rng: Rng,
  tick: (step: number, loss: number) => void,
): { params: Seq2SeqHostParams; finalLoss: number } {
  const slots = slotsOf(kernels, init);
  const ordered = [...slots.encW, ...slots.decW, slots.outW, ...slots.encB, ...slots.decB, slots.outB, slots.encEmbT, slots.decEmbT];
  const recent = new TrailingMean();
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      const hyper = adamHyper(cfg, step);
      const batch = sampleBatch(cfg.batchSize);
      const teacherForcing = rng.uniform() < cfg.teacherForcing;
      let loss = 0;
      tf.tidy(() => {
        const r = runSeq2Seq(weightsOf(kernels, slots), init.sizes, tokens, batch, { teacherForcing, grads: 'all', lossScale: 1 / batch.n }, (t) =>
          kernels.read(t),
        );
        loss = r.lossSum / batch.n;
        // Every step: the loss and the clipping's sum of squares, both already on the host (finite.ts).
        checkLoss(loss, step, cfg.steps);
        const o = r.dOther!;
        const grads = [...r.dMasked, ...o.encB, ...o.decB, o.outB, o.encEmbT, o.decEmbT];
        const sumOfSquares = grads.reduce((a, g) => a + kernels.sumSquares(g, 0), 0);
        checkGradientSumOfSquares(sumOfSquares, step, cfg.steps);
        const scale = clipScale(sumOfSquares, cfg.gradClip);
        ordered.forEach((s, i) => kernels.adam(s, grads[i], hyper, 0, scale));
      });
      recent.push(loss);
      tick(step, loss);
    }
    return { params: toHost(kernels, init.sizes, slots), finalLoss: recent.mean };
  } finally {
    disposeSlots(ordered);
  }
}
