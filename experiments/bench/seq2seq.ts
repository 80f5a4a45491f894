// The SCAN cases of `npm run bench`: the LSTM encoder-decoder's pre-training
// and mask-training steps at the quick profile's size, and the issue's
// reference point, one masked LSTM layer over T = 20 steps at H = 256, B = 64
// (forward and backward through time; ~560 ms per step with naive tfjs ops).
import * as tf from '@tensorflow/tfjs-core';
import type { ScanExample } from '../data/scan/grammar.ts';
import { scanSplit } from '../data/scan/splits.ts';
import { SCAN_TOKENS, scanBatch } from '../data/scan/vocabulary.ts';
import { uploadFrozenSeq2Seq } from '../masking/frozen-seq2seq.ts';
import { MaskTrainer } from '../masking/train-mask-stage.ts';
import { lstmStepBackward, lstmStepForward, weightGradient, type LstmState } from '../models/lstm-cell.ts';
import { initSeq2Seq, type Seq2SeqBatch, type Seq2SeqSizes } from '../models/seq2seq.ts';
import type { ActiveBackend } from '../runtime/backend.ts';
import { Rng } from '../runtime/rng.ts';
import { scan } from '../tasks/scan.ts';
import { pretrainSeq2Seq } from '../train/pretrain-seq2seq.ts';

export interface TimedCase {
  case: string;
  stepsPerSec: number;
  gflops: number;
  [extra: string]: unknown;
}

/** FLOPs of forward + backward of one LSTM layer step on `n` examples: gates, input gradient, weight gradient. */
function lstmFlops(inSize: number, hidden: number, n: number): number {
  return 3 * 2 * n * (inSize + hidden) * 4 * hidden;
}

/**
 * FLOPs of one training step of the encoder-decoder on a length-sorted batch:
 * every encoder step runs the whole batch, a decoder step only the examples
 * still running (as runSeq2Seq does); embeddings as one-hot products.
 */
export function seq2seqStepFlops(s: Seq2SeqSizes, b: Seq2SeqBatch): number {
  const stack = (n: number) => Array.from({ length: s.layers }, (_, l) => lstmFlops(l === 0 ? s.embedding : s.hidden, s.hidden, n)).reduce((a, x) => a + x, 0);
  let flops = b.inSteps * (stack(b.n) + 2 * 2 * b.n * s.embedding * s.inVocab);
  for (let t = 0; t <= b.outSteps; t++) {
    const m = b.outLen.reduce((c, l) => c + (l >= t ? 1 : 0), 0);
    flops += stack(m) + 3 * 2 * m * s.hidden * s.outVocab + 2 * 2 * m * s.embedding * s.outVocab;
  }
  return flops;
}

/** Steps per second of `step`, after `warmup` untimed calls. */
export function timeSteps(steps: number, warmup: number, step: () => void): number {
  for (let i = 0; i < warmup; i++) step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return steps / ((performance.now() - start) / 1000);
}

/** The reference: one masked LSTM layer (input 256) over 20 steps, forward and backward, B = 64. */
export function benchLstmLayer(active: ActiveBackend, steps: number): TimedCase {
  const [H, B, T] = [256, 64, 20];
  const rng = new Rng(1, 'bench-lstm');
  const W = tf.tensor(rng.fillUniform(new Float32Array(2 * H * 4 * H), -0.06, 0.06), [2 * H, 4 * H]);
  const w = { W, WT: tf.transpose(W), b: tf.zeros([4 * H, 1]) };
  const xs = Array.from({ length: T }, () => tf.tensor(rng.fillUniform(new Float32Array(H * B), -1, 1), [H, B]));
  const before = tf.memory().numTensors;
  const perSec = timeSteps(steps, 2, () =>
    tf.tidy(() => {
      let state: LstmState = { h: tf.zeros([H, B]), c: tf.zeros([H, B]) };
      const caches = xs.map((x) => {
        const r = lstmStepForward(x, state, w);
        state = r.state;
        return r.cache;
      });
      let dh = tf.onesLike(state.h),
        dc = tf.zeros([H, B]);
      const dz: tf.Tensor[] = [];
      for (let t = T - 1; t >= 0; t--) {
        const g = lstmStepBackward(caches[t], dh, dc, w, H);
        dz.unshift(g.dz);
        dh = g.dhPrev;
        dc = g.dcPrev;
      }
      active.kernels.read(
        weightGradient(
          caches.map((c) => c.inputs),
          dz,
          false,
        ).dW,
      );
    }),
  );
  const leaked = tf.memory().numTensors - before;
  tf.dispose([W, w.WT, w.b, ...xs]);
  return {
    case: 'lstm-layer/h256-t20-b64',
    stepsPerSec: perSec,
    gflops: (perSec * T * lstmFlops(H, H, B)) / 1e9,
    msPerStep: 1000 / perSec,
    leakedTensors: leaked,
  };
}

function quickSizes(): Seq2SeqSizes {
  const c = scan.profiles.quick;
  return { inVocab: 14, outVocab: 7, ...c.model };
}

function batches(count: number, size: number): ScanExample[][] {
  const train = scanSplit('simple').train;
  const rng = new Rng(1, 'bench-scan');
  return Array.from({ length: count }, () => Array.from({ length: size }, () => train[rng.int(train.length)]));
}

/** Pre-training steps of the quick SCAN network on i.i.d. batches (FLOPs counted from the batches' lengths). */
export function benchScanPretrain(active: ActiveBackend, steps: number): TimedCase {
  const c = scan.profiles.quick;
  const sizes = quickSizes();
  const data = batches(steps, c.pretrain.batchSize).map(scanBatch);
  let i = 0;
  const start = performance.now();
  pretrainSeq2Seq(
    active.kernels,
    initSeq2Seq(sizes, new Rng(1, 'init')),
    SCAN_TOKENS,
    { ...c.pretrain, steps },
    () => data[i++],
    new Rng(1, 'tf'),
    () => {},
  );
  const perSec = steps / ((performance.now() - start) / 1000);
  const flops = data.reduce((a, b) => a + seq2seqStepFlops(sizes, b), 0) / steps;
  return { case: `scan-pretrain-step/h${sizes.hidden}x${sizes.layers}-b${c.pretrain.batchSize}`, stepsPerSec: perSec, gflops: (perSec * flops) / 1e9 };
}

/** Mask-training steps of the quick SCAN network: K chunks, one mask sample each. */
export function benchScanMask(active: ActiveBackend, steps: number): TimedCase {
  const c = scan.profiles.quick;
  const sizes = quickSizes();
  const { teacherForcing: _, ...cfg } = c.mask;
  const model = uploadFrozenSeq2Seq(active.kernels, initSeq2Seq(sizes, new Rng(1, 'init')), SCAN_TOKENS, scanBatch);
  const trainer = new MaskTrainer(active.kernels, model, { ...cfg, steps }, 1);
  const data = batches(steps + 2, c.mask.batchSize);
  const chunk = c.mask.batchSize / c.mask.samples;
  const flops =
    data.reduce(
      (a, ex) =>
        a +
        Array.from({ length: c.mask.samples }, (_, k) => seq2seqStepFlops(sizes, scanBatch(ex.slice(k * chunk, (k + 1) * chunk)))).reduce((x, y) => x + y, 0),
      0,
    ) / data.length;
  let i = 0;
  const before = tf.memory().numTensors;
  const perSec = timeSteps(steps, 2, () => trainer.step([{ examples: data[i++], teacherForcing: i % 2 === 0 }]));
  const leaked = tf.memory().numTensors - before;
  trainer.dispose();
  model.dispose();
  return {
    case: `scan-mask-step/h${sizes.hidden}x${sizes.layers}-b${c.mask.batchSize}-k${c.mask.samples}`,
    stepsPerSec: perSec,
    gflops: (perSec * flops) / 1e9,
    kernels: active.kernels.name,
    leakedTensors: leaked,
  };
}
