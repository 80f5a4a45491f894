// Experiment F of the paper (docs/method.md §7): class-specific weights in a CNN
// on CIFAR-10. A simple CNN is pre-trained on all ten classes; a control mask
// is trained on all of them; then, for each class c, a mask is trained on the
// data without class c, with the output layer's mask logits copied from the
// control and frozen (so removal can only happen in the convolutions). The
// weights the class-c mask drops are those only class c needed: how much class
// c's accuracy falls under it, against the worst fall of any other class,
// says how class-specific they are; the confusion difference says where class
// c's images go instead.
import type { AccuracyRow, ConfusionRow, LayerInfo, OverlapRow, PretrainRow, WeightsKeptRow } from '../artifacts/schema.ts';
import { confusionDifference, largestOtherOverTarget, relativeChanges, whereRemovedGoes, type Matrix } from '../analysis/class-removal.ts';
import { cnnConfusion, normaliseRows } from '../analysis/evaluate-cnn.ts';
import { sigmoidHistogram } from '../analysis/logit-histogram.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { mean, sampleStd } from '../analysis/stats.ts';
import { CIFAR_CLASSES, cifarBatch, loadCifarForMasks, sampleCifarBatch, trainIndicesWithout, type CifarForMasks } from '../data/images/cifar10-data.ts';
import { binarize, type BinaryMask } from '../masking/binary-mask.ts';
import { uploadFrozenCnn } from '../masking/frozen-cnn.ts';
import type { MaskStageConfig } from '../masking/train-mask-stage.ts';
import { CurveRecorder } from '../masking/curve-recorder.ts';
import { trainMaskStages } from '../masking/train-stages.ts';
import { cnnShapes, initCnn, type CnnSizes } from '../models/cnn.ts';
import { Rng } from '../runtime/rng.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import { memoStage } from '../runtime/stage-memo.ts';
import { pretrainCnn } from '../train/pretrain-cnn.ts';
import type { PretrainConfig } from '../train/pretrain-mlp.ts';
import { cnnStepFlops } from '../models/flops.ts';
import { CIFAR_ALL_IMAGES, CIFAR_WITHOUT, CONTROL_MASK } from './names.ts';
import { pretrainThenMasks, type Experiment, type ExperimentProfiles, type JobContext, type SeedOutput } from './experiment.ts';
import { finding, knownNotToHoldAt, type Declared } from './finding-helpers.ts';

export interface Cifar10Config {
  seeds: number[];
  /** Input channels, then the four convolutions' (the paper: 3, 32, 64, 128, 256). */
  channels: number[];
  pretrain: PretrainConfig;
  mask: MaskStageConfig;
  /** The classes removed, one stage each (indices into the CIFAR-10 class order). */
  removed: number[];
  /** Validation images evaluated (a fixed prefix of the split), or null for all ≈10k. */
  validLimit: number | null;
  /**
   * The mask stages' training curves: checkpoints per stage, on this many
   * validation images spread evenly over the validation list (`pick`,
   * spreadPick; every class appears). Absent: none recorded (ci and quick, until
   * quick's next rerun: recording them changes the artifact, and its rerun takes
   * an hour on 2 cores).
   */
  curve?: { points: number; images: number; pick: 'spread' };
  histogramBins: number;
}

const ALL_CLASSES = CIFAR_CLASSES.map((_, i) => i);

const profiles: ExperimentProfiles<Cifar10Config> = {
  ci: {
    seeds: [1, 2],
    channels: [3, 4, 8, 8, 16],
    pretrain: { steps: 30, batchSize: 32, lr: 1e-3, gradClip: 1, finalLrFactor: 1 },
    mask: { steps: 20, batchSize: 32, samples: 4, lr: 1e-2, beta: (3e-4 * 32) / 128, logitInit: 2, gradClip: 1 },
    removed: [3, 5],
    validLimit: 400,
    histogramBins: 20,
  },
  // docs/method.md §12.3's CPU proxy (a 16-32-64-128 CNN). Sized on seed 1 (the
  // sizing runs are summarised in the notes): an 8-16-32-64 net reached 52–61%
  // and had too few class-specific weights (removing ship cost ship 2%); this one
  // reached 59% after 3k steps at lr 1e-3 (the smaller net gained 9 points from
  // lr 3e-3), and removing cat took cat to 0% in 600 mask steps, ship −15% and
  // automobile −13% in 500.
  quick: {
    seeds: [1, 2, 3, 4],
    channels: [3, 16, 32, 64, 128],
    pretrain: { steps: 3000, batchSize: 64, lr: 3e-3, gradClip: 1, finalLrFactor: 0.1 },
    mask: { steps: 500, batchSize: 64, samples: 4, lr: 1e-2, beta: 1.5e-4, logitInit: 2, gradClip: 1 },
    removed: ALL_CLASSES,
    validLimit: null,
    histogramBins: 20,
  },
  // The scale issue's part 3: quick's network and pre-training with 10k-step mask stages (20× quick's),
  // the control as long, for the four vehicle classes and cat, with curves. One seed: a stage takes about
  // 45 min on one core (3.7 steps/s at quick), the seed about 3 hours on two workers with the stages as
  // jobs (the removal stages wait for the control); more seeds and all ten classes are the paper profile's.
  long: {
    seeds: [1],
    channels: [3, 16, 32, 64, 128],
    pretrain: { steps: 3000, batchSize: 64, lr: 3e-3, gradClip: 1, finalLrFactor: 0.1 },
    mask: { steps: 10000, batchSize: 64, samples: 4, lr: 1e-2, beta: 1.5e-4, logitInit: 2, gradClip: 1 },
    removed: [0, 1, 3, 8, 9],
    validLimit: null,
    curve: { points: 20, images: 1000, pick: 'spread' },
    histogramBins: 20,
  },
  // cifar10.yaml: pre-train 20k steps (Adam 1e-3, batch 128, clip 1); masks β 3e-4, lr 1e-3, 20k steps, K = 4; 10 seeds.
  paper: {
    seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    channels: [3, 32, 64, 128, 256],
    pretrain: { steps: 20000, batchSize: 128, lr: 1e-3, gradClip: 1, finalLrFactor: 1 },
    mask: { steps: 20000, batchSize: 128, samples: 4, lr: 1e-3, beta: 3e-4, logitInit: 2, gradClip: 1 },
    removed: ALL_CLASSES,
    validLimit: null,
    curve: { points: 40, images: 10000, pick: 'spread' },
    histogramBins: 20,
  },
};

/** A CNN step's cost in the runner's units (see `cost`). */
const CNN_STEP_COST = 7.5;

/** Mask ids: the control, and one per removed class. */
export const CONTROL = CONTROL_MASK;
export const withoutClass = (c: number) => `${CIFAR_WITHOUT}${CIFAR_CLASSES[c]}`;
const LAYER_IDS = ['conv1', 'conv2', 'conv3', 'conv4', 'output'];
/** The evaluation set of the overall accuracy rows (per-class rows use the class name). */
export const ALL_IMAGES = CIFAR_ALL_IMAGES;

/**
 * `n` of the indices, evenly spread over the list: an image-folder copy lists the
 * validation images class by class, so its first thousand are airplanes and
 * automobiles only (the first long run's control curve measured on those had no
 * other class; that run was discarded).
 */
export function spreadPick(indices: Int32Array, n: number): Int32Array {
  if (n >= indices.length) return indices;
  const stride = indices.length / n;
  return Int32Array.from({ length: n }, (_, i) => indices[Math.floor(i * stride)]);
}

function sizesOf(c: Cifar10Config): CnnSizes {
  return { channels: c.channels, classes: CIFAR_CLASSES.length, side: 32 };
}

/** The dataset, from the job's data paths (the decoded images come from the image cache in a fraction of a second). */
function data(ctx: Pick<JobContext, 'data'>): CifarForMasks {
  if (!ctx.data) throw new Error('cifar10 reads CIFAR-10: the job context needs its data paths (JobContext.data)');
  return loadCifarForMasks(ctx.data);
}

/** Accuracy and confusion rows of one mask (or the unmasked network) from its count matrix. */
function evaluationRows(seed: number, column: string, counts: number[][]): { accuracy: AccuracyRow[]; confusion: ConfusionRow[] } {
  const conf = normaliseRows(counts);
  const total = counts.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  const right = counts.reduce((a, row, i) => a + row[i], 0);
  return {
    accuracy: [
      { seed, variant: 'normal', column, evalSet: ALL_IMAGES, accuracy: total ? right / total : 0 },
      ...CIFAR_CLASSES.map((name, i) => ({ seed, variant: 'normal', column, evalSet: name, accuracy: conf[i][i] })),
    ],
    confusion: conf.flatMap((row, i) => row.map((fraction, j) => ({ seed, mask: column, trueOp: CIFAR_CLASSES[i], predicted: CIFAR_CLASSES[j], fraction }))),
  };
}

function runSeed(ctx: JobContext, c: Cifar10Config, seed: number): SeedOutput {
  const d = data(ctx);
  const sizes = sizesOf(c);
  const timer = new StageTimer(ctx.now);
  const valid = c.validLimit === null ? d.valid : d.valid.subarray(0, c.validLimit);
  const images = (idx: number[]) => cifarBatch(d, idx);

  const preRng = new Rng(seed, 'pretrain-data');
  const pre = memoStage(ctx, timer, 'pretrain', c.pretrain.steps, () =>
    pretrainCnn(
      ctx.kernels,
      initCnn(sizes, new Rng(seed, 'init')),
      c.pretrain,
      (n) => sampleCifarBatch(d, d.train, preRng, n),
      (step) => ctx.progress('pretrain', step, c.pretrain.steps),
    ),
  );
  const params = pre.params;
  const out = {
    pretrain: [] as PretrainRow[],
    accuracy: [] as AccuracyRow[],
    confusion: [] as ConfusionRow[],
    weightsKept: [] as WeightsKeptRow[],
    overlap: [] as OverlapRow[],
    masks: [] as SeedOutput['masks'],
    histograms: [] as SeedOutput['histograms'],
  };
  const unmasked = evaluationRows(seed, 'unmasked', cnnConfusion(params, null, images, valid));
  out.accuracy.push(...unmasked.accuracy);
  out.pretrain.push({
    seed,
    variant: 'normal',
    evalSet: 'validation',
    accuracy: unmasked.accuracy[0].accuracy,
    steps: c.pretrain.steps,
    finalLoss: pre.finalLoss,
  });

  const shapes = cnnShapes(sizes);
  const weightMasks = (m: BinaryMask[]) => shapes.map((_, l) => m[2 * l]);
  const record = (id: string, logits: Float32Array[]) => {
    const masks = logits.map(binarize);
    const ev = evaluationRows(seed, id, cnnConfusion(params, masks, images, valid));
    out.accuracy.push(...ev.accuracy);
    out.confusion.push(...ev.confusion);
    out.weightsKept.push(...weightsKeptRows(seed, 'normal', id, LAYER_IDS, weightMasks(masks)));
    out.masks.push(...maskRecords('normal', id, LAYER_IDS, shapes, weightMasks(masks)));
    out.histograms.push({ mask: id, counts: sigmoidHistogram(logits, c.histogramBins) });
    return masks;
  };

  const curveImages = spreadPick(d.valid, c.curve?.images ?? 0);
  const curve =
    c.curve &&
    new CurveRecorder({
      seed,
      variant: 'normal',
      points: c.curve.points,
      layers: LAYER_IDS.map((id, l) => ({ id, tensor: 2 * l })),
      compare: c.removed.map((r) => [CONTROL, withoutClass(r)]),
      evaluate: (masks) => {
        const conf = normaliseRows(cnnConfusion(params, masks, images, curveImages));
        return CIFAR_CLASSES.map((name, i) => ({ evalSet: name, accuracy: conf[i][i] }));
      },
    });
  const model = uploadFrozenCnn(ctx.kernels, params);
  try {
    const control = trainMaskStages(
      ctx,
      timer,
      model,
      c.mask,
      seed,
      [{ id: CONTROL, sample: (rng, n) => [sampleCifarBatch(d, d.train, rng, n)] }],
      'normal',
      curve,
    ).get(CONTROL)!;
    const controlMasks = record(CONTROL, control);
    // The output layer (weights and bias, the last two tensors) keeps the control's logits, frozen.
    const frozen = control.map((l, j) => (j >= control.length - 2 ? l : null));
    for (const removed of c.removed) {
      const id = withoutClass(removed);
      const pool = trainIndicesWithout(d, removed);
      const masks = record(
        id,
        trainMaskStages(
          ctx,
          timer,
          model,
          c.mask,
          seed,
          [{ id, sample: (rng, n) => [sampleCifarBatch(d, pool, rng, n)], fixedLogits: frozen }],
          'normal',
          curve,
        ).get(id)!,
      );
      out.overlap.push(...overlapRows(seed, 'normal', CONTROL, id, LAYER_IDS, weightMasks(controlMasks), weightMasks(masks)));
    }
  } finally {
    model.dispose();
  }
  return { seed, ...out, ...(curve ? { curve: curve.rows } : {}), stages: timer.stages };
}

/**
 * Measured while sizing the quick profile (seed 1, one removal stage each, 500–600
 * mask steps): largest other / target 9.8% (ship), 12.5% (cat), 24.1% (automobile);
 * in an 8-16-32-64 network 15.7% (cat) and 50.5% (ship). Smaller networks share
 * more of their features between classes, so removing one class's weights also
 * costs its neighbours; the paper's network is about 4× wider.
 */
const OTHERS_NEED_SCALE =
  "declared before the quick run, from the sizing runs (seed 1, 16-32-64-128 CNN, 500–600 mask steps): largest other / target came out 9.8% (ship), 12.5% (cat) and 24.1% (automobile), and 15.7–50.5% in an 8-16-32-64 network. The narrower the network, the more features its classes share, so removing one class's weights also costs the classes that share them; the paper's network is 2× wider in every layer (4× the weights) and its stages are 40× longer.";

/**
 * These two were declared expected before the first quick run and did not hold
 * in it; they are kept with their thresholds and marked here, with what the run
 * measured, so that verify does not fail on a result the page already reports.
 */
const FIRST_QUICK_RUN = 'Declared expected before the first quick run (4 seeds); it did not hold there.';
const DROPS_FAILED_AT_QUICK = `${FIRST_QUICK_RUN} Mean relative drop 9.6% against the 10% threshold: the animal classes drop (cat 27.6%, bird 17.7%, dog 17.1%, deer 10.0%), the vehicles, frog and horse by 2.8–6.3%. A diagnostic after the run (a seed-1 network pre-trained like quick\'s, truck removed): the same mask trained 1,500 steps instead of 500 drops truck by 61% (largest other / target 17%), and 500 steps at 4× β by 28% (22%) — rerun since as the named run cifar10-truck-4beta (runs/cifar10-truck-4beta), which measured 19% (26%). At 500 steps the removal masks have barely begun to drop what only the removed class needed: each overlaps the control mask at IoU 0.96–1.0 in every layer. The paper trains 20k steps per stage; 1,500-step stages would take the quick run from 55 min to about 2.5 h on 2 cores. Against a control also trained 1,500 steps (67.2% against 67.5% unmasked; it keeps about as many weights as the removal mask, 20.9k against 20.4k of conv4\'s 73.7k) the truck drop is 59% and largest other / target 17%: the drop is truck-specific, not general pruning.`;
const DROPS_MOST_FAILED_AT_QUICK = `${FIRST_QUICK_RUN} Bird, cat and dog keep every other class within about 10% of their own drop (the paper's bound), but for truck, automobile, ship, horse and airplane the mask without the class removes so little (drops of 3–6%) that other classes move by a comparable amount (largest other / target 34–99%). A diagnostic after the run (a seed-1 network pre-trained like quick\'s, truck removed): the same mask trained 1,500 steps instead of 500 drops truck by 61% (largest other / target 17%), and 500 steps at 4× β by 28% (22%) — rerun since as the named run cifar10-truck-4beta (runs/cifar10-truck-4beta), which measured 19% (26%). At 500 steps the removal masks have barely begun to drop what only the removed class needed: each overlaps the control mask at IoU 0.96–1.0 in every layer. The paper trains 20k steps per stage; 1,500-step stages would take the quick run from 55 min to about 2.5 h on 2 cores. Against a control also trained 1,500 steps (67.2% against 67.5% unmasked; it keeps about as many weights as the removal mask, 20.9k against 20.4k of conv4\'s 73.7k) the truck drop is 59% and largest other / target 17%: the drop is truck-specific, not general pruning.`;

type Artifact = Parameters<Experiment<Cifar10Config>['findings']>[0];

/** Per seed: the row-normalised confusion matrix of one mask. */
function confusionOf(a: Artifact, seed: number, mask: string): Matrix {
  const m = CIFAR_CLASSES.map(() => new Array<number>(CIFAR_CLASSES.length).fill(NaN));
  for (const r of a.tables.confusion ?? []) {
    if (r.seed === seed && r.mask === mask) m[CIFAR_CLASSES.indexOf(r.trueOp as never)][CIFAR_CLASSES.indexOf(r.predicted as never)] = r.fraction;
  }
  return m;
}

/** The class-removal metrics of one removed class, per seed. */
export function removalMetrics(a: Artifact, removed: number): { relDrop: number[]; otherOverTarget: number[]; goesTo: number[] } {
  const seeds = a.provenance.seeds;
  const per = seeds.map((s) => {
    const control = confusionOf(a, s, CONTROL);
    const stage = confusionOf(a, s, withoutClass(removed));
    const changes = relativeChanges(stage, control);
    return {
      relDrop: -changes[removed],
      otherOverTarget: largestOtherOverTarget(changes, removed),
      goesTo: whereRemovedGoes(confusionDifference(stage, control), removed),
    };
  });
  return { relDrop: per.map((p) => p.relDrop), otherOverTarget: per.map((p) => p.otherOverTarget), goesTo: per.map((p) => p.goesTo) };
}

const accuracyOf = (a: Artifact, column: string, evalSet: string) =>
  mean(a.tables.accuracy.filter((r) => r.column === column && r.evalSet === evalSet).map((r) => r.accuracy));

export const cifar10: Experiment<Cifar10Config> = {
  id: 'cifar10',
  title: 'CIFAR-10: weights only one class needs',
  question:
    "For each class, a mask is trained on the data without it (the output layer's mask kept from the control). The weights it drops are those only that class needed: does removing them hurt that class far more than any other, and where do its images go?",
  profiles,
  dataVariant: (_c, paths) => data({ data: paths }).variant,
  dataVersion: 'cifar10-v1',
  masks: (c) => [
    { id: CONTROL, label: 'control', variant: 'normal', trainedOn: 'all ten classes' },
    ...c.removed.map((r) => ({
      id: withoutClass(r),
      label: `without ${CIFAR_CLASSES[r]}`,
      variant: 'normal',
      trainedOn: `the nine classes other than ${CIFAR_CLASSES[r]}; output-layer mask copied from the control and frozen`,
    })),
  ],
  layers: (c): LayerInfo[] =>
    cnnShapes(sizesOf(c)).map(([i, o], l) => ({
      id: LAYER_IDS[l],
      label: l < 4 ? `Conv ${l + 1} (3×3, ${i / 9}→${o})` : `Output (${i}→${o})`,
      shape: [i, o],
      role:
        l < 4
          ? 'convolution: rows = 3×3 offset × input channel, columns = output channels'
          : 'output layer: columns = 10 classes (frozen to the control mask in the removal stages)',
    })),
  // Measured at quick on an idle machine (2 workers): a CIFAR-10 seed takes about 27.5 min (55m09s for 4 seeds)
  // where an add-mul seed (16k MLP steps) takes 7, so a CNN step (8.5k a seed) counts as about 7.5 MLP steps.
  // (At 6, the long run started SCAN's 25k-step stages, 5.5 a step, before the CIFAR-10 control that its five
  // removal stages wait for.)
  cost: (c) => CNN_STEP_COST * (c.pretrain.steps + (1 + c.removed.length) * c.mask.steps),
  pictures: [{ variant: 'normal', a: CONTROL, b: withoutClass(3) }],
  work: (c) => ({
    units: c.seeds.length * cnnStepFlops(sizesOf(c), 1) * (c.pretrain.steps * c.pretrain.batchSize + (1 + c.removed.length) * c.mask.steps * c.mask.batchSize),
    what: `CNN ${c.channels.slice(1).join('-')}, ${c.seeds.length} seeds, ${c.mask.steps / 1000}k-step mask stages for ${c.removed.length} classes`,
  }),
  // A removal stage starts from the control's output-layer logits.
  stages: (c) =>
    pretrainThenMasks(CNN_STEP_COST * c.pretrain.steps, [
      { stage: CONTROL, cost: CNN_STEP_COST * c.mask.steps },
      ...c.removed.map((r) => ({ stage: withoutClass(r), cost: CNN_STEP_COST * c.mask.steps, after: [CONTROL] })),
    ]),
  runSeed: (ctx, c, seed) => runSeed(ctx, c, seed),
  findings(a, c) {
    const metrics = c.removed.map((r) => ({ r, ...removalMetrics(a, r) }));
    const unmasked = accuracyOf(a, 'unmasked', ALL_IMAGES);
    const control = accuracyOf(a, CONTROL, ALL_IMAGES);
    // A seed whose control never got the class right (relative drop undefined), or
    // whose removed class did not drop (ratio undefined), is left out and counted.
    const defined = (xs: number[]) => xs.filter((x) => !Number.isNaN(x));
    const meanDrop = metrics.map((m) => (defined(m.relDrop).length ? mean(defined(m.relDrop)) : NaN));
    const meanRatio = metrics.map((m) => (defined(m.otherOverTarget).length ? mean(defined(m.otherOverTarget)) : NaN));
    const undefinedCount = (key: string, xs: number[][]) => {
      const n = xs.reduce((a, x) => a + x.length - defined(x).length, 0);
      return n ? { [key]: n } : {};
    };
    const byName = (m: (typeof metrics)[number]) => CIFAR_CLASSES[m.r];
    const pairs: [number, number][] = [
      [3, 5],
      [5, 3],
      [1, 9],
      [9, 1],
    ].filter(([x]) => c.removed.includes(x)) as [number, number][];
    const pairHits = pairs.map(([x, y]) => metrics.find((m) => m.r === x)!.goesTo.filter((g) => g === y).length / a.provenance.seeds.length);
    const DECLARED: Declared = { at: '2026-11-26T05:24:00Z' };
    const AFTER_FIRST_RUN: Declared = {
      at: '2026-11-26T06:43:49Z',
      afterSeeing: 'declared before the quick run as expected, then marked not expected at quick after that run showed it failing (thresholds unchanged)',
    };
    const FROM_SIZING: Declared = {
      at: '2026-11-26T05:24:00Z',
      afterSeeing: 'declared not expected at quick before the published run, from the numbers of the sizing runs',
    };
    // The long profile (10k-step stages, one seed, five classes) was declared before its first run, from the
    // diagnostic after the first quick run: 1,500-step stages took truck down 59–61% with largest other / target 17%.
    const long = a.provenance.profile === 'long';
    const LONG_DECLARED: Declared = { at: '2026-12-01T23:22:06Z' };
    const LONG_OTHERS =
      "declared before the first long run: the diagnostic with 1,500-step stages (seed 1, truck removed) had largest other / target at 17%, and this network is half the paper's width in every layer; longer stages drop the target further but need not bring its neighbours under 10%";
    return [
      finding({
        id: 'pretrained-learns-cifar',
        kind: 'check',
        declared: DECLARED,
        claim: 'The pre-trained CNN classifies the validation split far above chance: ≥ 50% (chance 10%), mean over seeds.',
        paper: "The paper's simple CNN is trained to convergence (20k steps); its accuracy is not what the figure reads.",
        evidence: { 'unmasked validation accuracy': unmasked },
        holds: unmasked >= 0.5,
      }),
      finding({
        id: 'control-mask-keeps-performance',
        kind: 'check',
        declared: DECLARED,
        claim: 'The control mask (all classes) stays within 3 points of the unmasked network on the validation split.',
        paper: "The control mask keeps the network's performance (the paper tunes β until it does).",
        evidence: { 'control mask': control, unmasked },
        holds: control >= unmasked - 0.03,
      }),
      finding({
        id: 'removed-class-drops',
        kind: 'claim',
        declared: long ? LONG_DECLARED : AFTER_FIRST_RUN,
        claim:
          "Removing a class's exclusive weights costs that class at least 10% of its control accuracy on average over the classes (relative drop, mean over seeds and removed classes).",
        paper: 'Removing a class\'s exclusive weights causes a large relative drop on that class ("Relative drop [%]" bars, every class).',
        evidence: {
          ...(defined(meanDrop).length ? { 'mean relative drop %': mean(defined(meanDrop)) } : {}),
          ...Object.fromEntries(metrics.flatMap((m, i) => (Number.isNaN(meanDrop[i]) ? [] : [[`relative drop % ${byName(m)}`, meanDrop[i]]]))),
          ...undefinedCount(
            'seeds whose control never got the class right',
            metrics.map((m) => m.relDrop),
          ),
        },
        holds: defined(meanDrop).length === meanDrop.length && mean(meanDrop) >= 10,
        notExpected: knownNotToHoldAt(a, ['quick'], DROPS_FAILED_AT_QUICK),
      }),
      finding({
        id: 'removed-class-drops-most',
        kind: 'claim',
        declared: long ? LONG_DECLARED : AFTER_FIRST_RUN,
        claim: 'For every removed class, no other class drops even half as much: largest other / target < 50% (mean over seeds).',
        paper: "The removed class drops far more than any other (the paper's bound, ~10%, is the next finding).",
        evidence: {
          ...Object.fromEntries(metrics.flatMap((m, i) => (Number.isNaN(meanRatio[i]) ? [] : [[`largest other/target % ${byName(m)}`, meanRatio[i]]]))),
          ...undefinedCount(
            'seeds whose removed class did not drop',
            metrics.map((m) => m.otherOverTarget),
          ),
        },
        holds: meanRatio.every((x) => x < 50),
        notExpected: knownNotToHoldAt(a, ['quick'], DROPS_MOST_FAILED_AT_QUICK),
      }),
      finding({
        id: 'others-drop-far-less',
        kind: 'claim',
        declared: long ? LONG_DECLARED : FROM_SIZING,
        claim: 'Every other class drops by at most 10% of the removed class\'s drop ("largest other / target", mean over seeds), for every removed class.',
        paper: "Every other class drops by at most a small fraction of the removed class's drop: the plot's y-range is 0–10%.",
        evidence: {
          ...Object.fromEntries(
            metrics.flatMap((m, i) =>
              Number.isNaN(meanRatio[i])
                ? []
                : [
                    [`largest other/target % ${byName(m)}`, meanRatio[i]],
                    [`std over seeds ${byName(m)}`, defined(m.otherOverTarget).length > 1 ? sampleStd(defined(m.otherOverTarget)) : 0],
                  ],
            ),
          ),
          ...undefinedCount(
            'seeds whose removed class did not drop',
            metrics.map((m) => m.otherOverTarget),
          ),
        },
        holds: meanRatio.every((x) => x <= 10),
        notExpected: knownNotToHoldAt(a, ['quick'], OTHERS_NEED_SCALE) ?? knownNotToHoldAt(a, ['long'], LONG_OTHERS),
      }),
      finding({
        id: 'removed-images-go-to-similar-class',
        kind: 'claim',
        declared: DECLARED,
        claim:
          "The removed class's images go mostly to its visually similar partner (cat ↔ dog, automobile ↔ truck): the partner gains the most of the class's row in at least half of the seeds, for each of these classes.",
        paper: "Confusion differences show where the removed class's samples go, e.g. to visually similar classes.",
        evidence: Object.fromEntries(pairs.map(([x, y], i) => [`${CIFAR_CLASSES[x]} → ${CIFAR_CLASSES[y]}: share of seeds`, pairHits[i]])),
        holds: pairs.length > 0 && pairHits.every((h) => h >= 0.5),
      }),
    ];
  },
  references: [
    {
      source: 'Paper (figure, 10 seeds, simple CNN 3-32-64-128-256 with dropout, 20k mask steps)',
      quantity: 'largest other / target',
      value: "at most about 10% for every class (the plot's y-range); the relative drops themselves are not available to this reproduction as numbers",
    },
  ],
  notes: (c) => [
    `Network: CNN ${c.channels.join('-')} (3×3 convolutions, ReLU, 2×2 max pool after the first three, global average pool, linear to 10 classes; the paper: 3-32-64-128-256) without dropout (the paper's no-dropout variant; its main variant has dropout 0.25 and 0.5), PyTorch-default init. Every weight and bias is masked; the tables and pictures show the weights.`,
    `Pre-training: ${c.pretrain.steps} steps (the paper: 20k), Adam lr ${c.pretrain.lr}${c.pretrain.finalLrFactor === 1 ? '' : ` decaying linearly to ${+(c.pretrain.lr * c.pretrain.finalLrFactor).toPrecision(3)}`}, batch ${c.pretrain.batchSize}, clip ${c.pretrain.gradClip}, no augmentation.`,
    `Masks: ${c.mask.steps} steps per stage (the paper: 20k), Adam lr ${c.mask.lr} (the paper: 1e-3), batch ${c.mask.batchSize}, K = ${c.mask.samples}, β = ${c.mask.beta} (α = β / B = ${(c.mask.beta / c.mask.batchSize).toExponential(2)}; the paper: 3e-4 / 128 = 2.34e-6), logit init ${c.mask.logitInit}, clip ${c.mask.gradClip}.`,
    "Removal stages: the output layer's mask logits (weights and bias) are copied from the control mask and frozen; their samples are still drawn each step, as in the official code. The penalty sums only the trainable logits (the official code adds the frozen ones too: a constant that changes no gradient).",
    'The train/validation split (80/20 of the 50k training images) is drawn from our own seeded generator (the official code: numpy RandomState(0xC1CAFA52)); normalisation per channel with the statistics of all 50k training images.',
    c.validLimit === null
      ? 'Every figure is on the full validation split (the paper\'s "i.i.d." set, not the official test set).'
      : `Evaluation on the first ${c.validLimit} images of the validation split.`,
  ],
};
