// The LSTM encoder-decoder of the SCAN experiment (docs/method.md §5.2), with its
// forward pass and backward pass through time written by hand on top of
// lstm-cell.ts, in feature-major layout.
//
//   encoder: embedding → L LSTM layers over the command + EOS; its final (h, c)
//            per layer (at each sequence's own length) start the decoder;
//   decoder: embedding of SOS, then of the previous target (teacher forcing) or
//            of its own previous arg-max (free running) → L LSTM layers → linear;
//   loss:    Σ over steps ≤ output length (EOS included) of the token
//            cross-entropy, times `lossScale` (1 / batch in the paper).
//
// Embeddings are looked up as one-hot products (embᵀ · onehotᵀ), so their
// gradient is a product too. The masked tensors are the stacked LSTM weights of
// every layer and the output projection; embeddings and biases are not masked.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.ts';
import { plainMatMul as mm } from './kernels/plain-matmul.ts';
import { lstmPointwise } from './kernels/lstm-pointwise.ts';
import { columnArgmax, columnCrossEntropy } from '../train/column-softmax.ts';
import { lstmStepBackward, lstmStepForward, weightGradient, type LstmState, type LstmStepCache, type LstmWeights } from './lstm-cell.ts';

export interface Seq2SeqSizes {
  inVocab: number;
  outVocab: number;
  embedding: number;
  hidden: number;
  layers: number;
}

/** Host parameters; matrices row-major in the layout of the tensors they become. */
export interface Seq2SeqHostParams {
  sizes: Seq2SeqSizes;
  /** [E, V] (embᵀ). */
  encEmbT: Float32Array;
  decEmbT: Float32Array;
  /** Per layer: W [(in + H), 4H], b [4H]. */
  enc: { W: Float32Array; b: Float32Array }[];
  dec: { W: Float32Array; b: Float32Array }[];
  /** Output projection W [H, V] (rows = hidden units), b [V]. */
  out: { W: Float32Array; b: Float32Array };
}

/**
 * PyTorch's defaults (nn.LSTM and nn.Linear: U(±1/√H); embeddings N(0, 1)). This is
 * not the official code's LSTM init, which sets the forget-gate bias to 1 and the
 * other biases to 0, draws scaled normal weights and an orthogonal cell-gate block
 * (docs/method.md §5.2); the SCAN notes say why we keep this one for now.
 */
export function initSeq2Seq(sizes: Seq2SeqSizes, rng: Rng): Seq2SeqHostParams {
  const { inVocab, outVocab, embedding: E, hidden: H, layers } = sizes;
  const u = (n: number, bound: number) => rng.fillUniform(new Float32Array(n), -bound, bound);
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const lstm = () =>
    Array.from({ length: layers }, (_, l) => {
      const inSize = l === 0 ? E : H;
      return { W: u((inSize + H) * 4 * H, 1 / Math.sqrt(H)), b: u(4 * H, 1 / Math.sqrt(H)) };
    });
  return {
    sizes,
    encEmbT: normal(E * inVocab),
    decEmbT: normal(E * outVocab),
    enc: lstm(),
    dec: lstm(),
    out: { W: u(H * outVocab, 1 / Math.sqrt(H)), b: u(outVocab, 1 / Math.sqrt(H)) },
  };
}

/** Shapes of the masked tensors, in the order the weights and gradients use: enc layers, dec layers, out. */
export function maskedShapes(s: Seq2SeqSizes): [number, number][] {
  const lstm = Array.from({ length: s.layers }, (_, l): [number, number] => [(l === 0 ? s.embedding : s.hidden) + s.hidden, 4 * s.hidden]);
  return [...lstm, ...lstm, [s.hidden, s.outVocab]];
}

/** The tensors one forward pass uses: masked tensors as {W, WT} pairs, the rest as is. */
export interface Seq2SeqWeights {
  encEmbT: tf.Tensor;
  decEmbT: tf.Tensor;
  /** In maskedShapes order; biases attached to the LSTM ones. */
  enc: LstmWeights[];
  dec: LstmWeights[];
  out: { W: tf.Tensor; WT: tf.Tensor; b: tf.Tensor };
}

/** A batch of sequences, padded. Token ids of the task vocabularies. */
export interface Seq2SeqBatch {
  n: number;
  /** [n, inSteps]: the command followed by EOS, then padding. */
  inputs: Int32Array;
  inSteps: number;
  /** Command length + 1 (the EOS). */
  inLen: Int32Array;
  /** [n, outSteps]: the action ids (no SOS/EOS), then padding. */
  targets: Int32Array;
  outSteps: number;
  outLen: Int32Array;
}

export interface Seq2SeqTokens {
  /** The decoder's start token and end token (the same id in SCAN). */
  sos: number;
  eos: number;
}

export interface Seq2SeqRun {
  lossSum: number;
  /** Arg-max token of every decoder step, [n, outSteps + 1]. */
  predictions: Int32Array;
  /** Examples whose decoded sequence equals the target exactly (tokens and length: EOS at outLen). */
  correct: number;
  /** dLoss/dW of every masked tensor, in maskedShapes order (only with grads). */
  dMasked: tf.Tensor[];
  /** dLoss/d of the unmasked parameters (only with `allGrads`). */
  dOther: { encEmbT: tf.Tensor; decEmbT: tf.Tensor; encB: tf.Tensor[]; decB: tf.Tensor[]; outB: tf.Tensor } | null;
}

function oneHotT(ids: ArrayLike<number>, vocab: number): tf.Tensor {
  const n = ids.length;
  const v = new Float32Array(vocab * n);
  for (let e = 0; e < n; e++) v[ids[e] * n + e] = 1;
  return tf.tensor(v, [vocab, n], 'float32');
}

/** Row vector [1, n] of 1 where cond(e). */
function columnMask(n: number, cond: (e: number) => boolean): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: n }, (_, e) => (cond(e) ? 1 : 0)),
    [1, n],
    'float32',
  );
}

interface StackCache {
  caches: LstmStepCache[];
}

function stackForward(x: tf.Tensor, states: LstmState[], layers: LstmWeights[]): { out: tf.Tensor; states: LstmState[]; cache: StackCache } {
  const caches: LstmStepCache[] = [];
  const next: LstmState[] = [];
  let input = x;
  layers.forEach((w, l) => {
    const step = lstmStepForward(input, states[l], w);
    caches.push(step.cache);
    next.push(step.state);
    input = step.state.h;
  });
  return { out: input, states: next, cache: { caches } };
}

/**
 * One forward pass over a batch, and the backward pass when `grads` is set.
 * `teacherForcing` feeds the targets to the decoder; otherwise it feeds its own
 * arg-max. `read` gives host values of a tensor (kernels.read).
 */
export function runSeq2Seq(
  w: Seq2SeqWeights,
  sizes: Seq2SeqSizes,
  tokens: Seq2SeqTokens,
  batch: Seq2SeqBatch,
  opts: { teacherForcing: boolean; grads: 'none' | 'masked' | 'all'; lossScale: number },
  read: (t: tf.Tensor) => Float32Array,
): Seq2SeqRun {
  const { n } = batch;
  const { hidden: H, layers: L, embedding: E, outVocab: V } = sizes;
  const zero = () => tf.zeros([H, n]);
  let states: LstmState[] = Array.from({ length: L }, () => ({ h: zero(), c: zero() }));

  // Encoder. A sequence that has ended keeps its state (packed-sequence semantics).
  const enc: { onehot: tf.Tensor; cache: StackCache; keep: tf.Tensor; prev: LstmState[] }[] = [];
  for (let t = 0; t < batch.inSteps; t++) {
    const onehot = oneHotT(
      Array.from({ length: n }, (_, e) => batch.inputs[e * batch.inSteps + t]),
      sizes.inVocab,
    );
    const x = mm().matMul(w.encEmbT, onehot);
    const keep = columnMask(n, (e) => t < batch.inLen[e]);
    const prev = states;
    const step = stackForward(x, states, w.enc);
    states = step.states.map((s, l) => ({ h: lstmPointwise().keepColumns(keep, s.h, prev[l].h), c: lstmPointwise().keepColumns(keep, s.c, prev[l].c) }));
    enc.push({ onehot, cache: step.cache, keep, prev });
  }

  // Decoder: steps 0..outSteps; step t predicts target t (EOS at t = outLen).
  // When the batch is sorted by output length (longest first, as scanBatch
  // makes it), the examples still running at step t are a prefix of the batch:
  // the decoder drops the finished ones instead of computing padding, which
  // saves most of the work (the longest sequence sets the number of steps).
  const sortedByLength = batch.outLen.every((l, e) => e === 0 || l <= batch.outLen[e - 1]);
  const widthAt = (t: number) => (sortedByLength ? batch.outLen.reduce((c, l) => c + (l >= t ? 1 : 0), 0) : n);
  const dec: { onehot: tf.Tensor; cache: StackCache; h: tf.Tensor; gradT: Float32Array; width: number }[] = [];
  let lossSum = 0;
  const predictions = new Int32Array(n * (batch.outSteps + 1));
  let previous = new Int32Array(n).fill(tokens.sos);
  for (let t = 0; t <= batch.outSteps; t++) {
    const m = widthAt(t);
    if (m < states[0].h.shape[1]!) states = states.map((st) => ({ h: mm().sliceColumns(st.h, 0, m), c: mm().sliceColumns(st.c, 0, m) }));
    const onehot = oneHotT(previous.subarray(0, m), V);
    const x = mm().matMul(w.decEmbT, onehot);
    const step = stackForward(x, states, w.dec);
    states = step.states;
    const logits = mm().affine(w.out.WT, [step.out], w.out.b);
    const host = read(logits);
    const gradT = new Float32Array(V * m);
    const next = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      if (t > batch.outLen[e]) {
        next[e] = columnArgmax(host, e, m, V).arg;
      } else {
        const target = t < batch.outLen[e] ? batch.targets[e * batch.outSteps + t] : tokens.eos;
        const r = columnCrossEntropy(host, e, m, V, target, opts.lossScale, gradT);
        lossSum += r.loss;
        next[e] = r.arg;
      }
      predictions[e * (batch.outSteps + 1) + t] = next[e];
    }
    dec.push({ onehot, cache: step.cache, h: step.out, gradT, width: m });
    previous = opts.teacherForcing ? Int32Array.from({ length: m }, (_, e) => (t < batch.outSteps ? batch.targets[e * batch.outSteps + t] : tokens.eos)) : next;
  }
  let correct = 0;
  for (let e = 0; e < n; e++) {
    let ok = true;
    for (let t = 0; t <= batch.outLen[e] && ok; t++) {
      const want = t < batch.outLen[e] ? batch.targets[e * batch.outSteps + t] : tokens.eos;
      ok = predictions[e * (batch.outSteps + 1) + t] === want;
    }
    if (ok) correct++;
  }
  if (opts.grads === 'none') return { lossSum, predictions, correct, dMasked: [], dOther: null };

  const all = opts.grads === 'all';
  // Per layer, every step's [xᵀ; hᵀ] and gate gradient, for one weight-gradient product at the end.
  const encSteps = w.enc.map(() => ({ inputs: [] as tf.Tensor[][], dz: [] as tf.Tensor[] }));
  const decSteps = w.dec.map(() => ({ inputs: [] as tf.Tensor[][], dz: [] as tf.Tensor[] }));
  const outSteps = { inputs: [] as tf.Tensor[][], dz: [] as tf.Tensor[] };
  let dEncEmb = tf.zeros([E, sizes.inVocab]);
  let dDecEmb = tf.zeros([E, V]);
  let dh: tf.Tensor[] = Array.from({ length: L }, () => zero());
  let dc: tf.Tensor[] = Array.from({ length: L }, () => zero());

  const stackBackward = (cache: StackCache, dTop: tf.Tensor, layers: LstmWeights[], steps: typeof encSteps): tf.Tensor => {
    let dInput = dTop;
    for (let l = L - 1; l >= 0; l--) {
      const g = lstmStepBackward(cache.caches[l], tf.add(dh[l], dInput), dc[l], layers[l], l === 0 ? E : H);
      steps[l].inputs.push(cache.caches[l].inputs);
      steps[l].dz.push(g.dz);
      dh[l] = g.dhPrev;
      dc[l] = g.dcPrev;
      dInput = g.dx;
    }
    return dInput;
  };

  // A state gradient from a narrower later step gets zeros for the finished examples.
  const fit = (g: tf.Tensor, m: number) => {
    const width = g.shape[1]!;
    if (width === m) return g;
    return width > m ? mm().sliceColumns(g, 0, m) : mm().concatColumns([g, tf.zeros([g.shape[0], m - width])]);
  };
  for (let t = dec.length - 1; t >= 0; t--) {
    const d = dec[t];
    dh = dh.map((g) => fit(g, d.width));
    dc = dc.map((g) => fit(g, d.width));
    const dLogits = tf.tensor(d.gradT, [V, d.width], 'float32');
    outSteps.inputs.push([d.h]);
    outSteps.dz.push(dLogits);
    const dTop = mm().matMul(w.out.W, dLogits);
    const dx = stackBackward(d.cache, dTop, w.dec, decSteps);
    if (all) dDecEmb = tf.add(dDecEmb, mm().matMul(dx, mm().transpose(d.onehot)));
    // The decoder is fed its own arg-max or the targets: neither path carries a gradient.
  }
  for (let t = enc.length - 1; t >= 0; t--) {
    const s = enc[t];
    // Split each state gradient between the new state and the carried one.
    const splitH = dh.map((g) => lstmPointwise().splitColumns(s.keep, g));
    const splitC = dc.map((g) => lstmPointwise().splitColumns(s.keep, g));
    const carriedH = splitH.map(([, carried]) => carried);
    const carriedC = splitC.map(([, carried]) => carried);
    dh = splitH.map(([kept]) => kept);
    dc = splitC.map(([kept]) => kept);
    const dx = stackBackward(s.cache, tf.zeros([H, n]), w.enc, encSteps);
    dh = dh.map((g, l) => tf.add(g, carriedH[l]));
    dc = dc.map((g, l) => tf.add(g, carriedC[l]));
    if (all) dEncEmb = tf.add(dEncEmb, mm().matMul(dx, mm().transpose(s.onehot)));
  }
  const encG = encSteps.map((st) => weightGradient(st.inputs, st.dz, all));
  const decG = decSteps.map((st) => weightGradient(st.inputs, st.dz, all));
  const outG = weightGradient(outSteps.inputs, outSteps.dz, all);
  return {
    lossSum,
    predictions,
    correct,
    dMasked: [...encG.map((g) => g.dW), ...decG.map((g) => g.dW), outG.dW],
    dOther: all ? { encEmbT: dEncEmb, decEmbT: dDecEmb, encB: encG.map((g) => g.db!), decB: decG.map((g) => g.db!), outB: outG.db! } : null,
  };
}

/**
 * Uploads host parameters as forward weights; `masks` (one per masked tensor,
 * maskedShapes order; null entries stay whole) multiplies W by a binary mask,
 * for evaluating a trained mask or its complement.
 */
export function uploadSeq2Seq(p: Seq2SeqHostParams, masks: (Uint8Array | null)[] | null = null): Seq2SeqWeights {
  const s = p.sizes;
  const shapes = maskedShapes(s);
  const masked = (values: Float32Array, k: number) => {
    const m = masks?.[k];
    const W = tf.tensor(m ? values.map((v, i) => (m[i] ? v : 0)) : values, shapes[k], 'float32');
    return { W, WT: tf.transpose(W) };
  };
  const lstm = (ls: { W: Float32Array; b: Float32Array }[], offset: number) =>
    ls.map((x, l) => ({ ...masked(x.W, offset + l), b: tf.tensor(x.b, [4 * s.hidden, 1], 'float32') }));
  return {
    encEmbT: tf.tensor(p.encEmbT, [s.embedding, s.inVocab], 'float32'),
    decEmbT: tf.tensor(p.decEmbT, [s.embedding, s.outVocab], 'float32'),
    enc: lstm(p.enc, 0),
    dec: lstm(p.dec, s.layers),
    out: { ...masked(p.out.W, 2 * s.layers), b: tf.tensor(p.out.b, [s.outVocab, 1], 'float32') },
  };
}
