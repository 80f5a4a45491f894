// A pre-trained LSTM encoder-decoder, frozen, as a model that masks are trained
// on (docs/method.md §5.2): the stacked LSTM weights of every layer and the output
// projection are masked; embeddings and biases are not.
//
// One mask sample per chunk serves all time steps of that chunk (§1.3), and the
// whole batch shares one teacher-forcing coin, as one forward call of the
// official model does (the model stays in training mode during mask training,
// quirk Q4, so masks see 50% teacher forcing).
import type { Kernels } from './kernels/index.ts';
import type { MaskableModel } from './maskable-model.ts';
import { maskedShapes, runSeq2Seq, type Seq2SeqBatch, type Seq2SeqHostParams, type Seq2SeqTokens, type Seq2SeqWeights } from '../models/seq2seq.ts';

/** A mask-training batch: examples (cut into K chunks) and the batch's teacher-forcing coin. */
export interface Seq2SeqPart<E> {
  examples: E[];
  teacherForcing: boolean;
}

export function uploadFrozenSeq2Seq<E>(
  kernels: Kernels,
  p: Seq2SeqHostParams,
  tokens: Seq2SeqTokens,
  toBatch: (examples: E[]) => Seq2SeqBatch,
): MaskableModel<Seq2SeqPart<E>> {
  const s = p.sizes;
  const shapes = maskedShapes(s);
  const weights = [...p.enc, ...p.dec, p.out].map((x, k) => kernels.fromHost(x.W, shapes[k]));
  const col = (b: Float32Array) => kernels.fromHost(b, [b.length, 1]);
  const fixed = {
    encEmbT: kernels.fromHost(p.encEmbT, [s.embedding, s.inVocab]),
    decEmbT: kernels.fromHost(p.decEmbT, [s.embedding, s.outVocab]),
    encB: p.enc.map((x) => col(x.b)),
    decB: p.dec.map((x) => col(x.b)),
    outB: col(p.out.b),
  };
  const L = s.layers;
  return {
    weights,
    size: (part) => part.examples.length,
    // The official seq2seq loss: per-token cross-entropy summed over the batch, divided by its size.
    lossScale: (parts) => 1 / parts.reduce((a, q) => a + q.examples.length, 0),
    chunkGradient(part, start, count, samples, lossScale) {
      const batch = toBatch(part.examples.slice(start, start + count));
      const pair = (k: number) => ({ W: samples[k].masked, WT: samples[k].maskedT });
      const w: Seq2SeqWeights = {
        encEmbT: fixed.encEmbT,
        decEmbT: fixed.decEmbT,
        enc: fixed.encB.map((b, l) => ({ ...pair(l), b })),
        dec: fixed.decB.map((b, l) => ({ ...pair(L + l), b })),
        out: { ...pair(2 * L), b: fixed.outB },
      };
      const r = runSeq2Seq(w, s, tokens, batch, { teacherForcing: part.teacherForcing, grads: 'masked', lossScale }, (t) => kernels.read(t));
      return { lossSum: r.lossSum, dW: r.dMasked };
    },
    dispose() {
      for (const t of [...weights, fixed.encEmbT, fixed.decEmbT, ...fixed.encB, ...fixed.decB, fixed.outB]) t.dispose();
    },
  };
}
