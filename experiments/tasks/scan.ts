// Experiment D of the paper (docs/method.md §5): SCAN and systematic
// generalisation. An LSTM encoder-decoder trained on the i.i.d. ("simple")
// split does well on the jump, length and turn-left test sets, because most of
// their commands are in its training set. A mask trained only on a
// generalisation split's *training* set keeps what that data needs; if the
// network solves the split's test commands with weights that data does not
// need, they are removed, and test accuracy falls towards a network trained
// from scratch on that split. In the output layer, the jump mask should drop
// the weights into I_JUMP most (I_JUMP follows only the bare command "jump").
//
// One seed's work is four jobs: the pre-trained network with its four masks,
// and one from-scratch baseline per generalisation split.
import type { LayerInfo } from '../artifacts/schema.ts';
import { sigmoidHistogram } from '../analysis/logit-histogram.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { maskedAccuracy, OWN_TRAIN, scanEvalSets, TEST_SET_OF, type ScanEvalSets } from '../analysis/scan-eval.ts';
import { mean, select } from '../analysis/stats.ts';
import { tokenRemovalRows } from '../analysis/token-removal.ts';
import type { ScanExample } from '../data/scan/grammar.ts';
import { scanSplit, type ScanSplit } from '../data/scan/splits.ts';
import { INPUT_WORDS, OUTPUT_ACTIONS, OUTPUT_TOKEN_NAMES, SCAN_TOKENS, scanBatch } from '../data/scan/vocabulary.ts';
import { binarize } from '../masking/binary-mask.ts';
import { uploadFrozenSeq2Seq, type Seq2SeqPart } from '../masking/frozen-seq2seq.ts';
import type { MaskStageConfig } from '../masking/train-mask-stage.ts';
import { CurveRecorder } from '../masking/curve-recorder.ts';
import { trainMaskStages } from '../masking/train-stages.ts';
import { initSeq2Seq, maskedShapes, type Seq2SeqHostParams, type Seq2SeqSizes } from '../models/seq2seq.ts';
import { Rng } from '../runtime/rng.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import { memoStage } from '../runtime/stage-memo.ts';
import { pretrainSeq2Seq, type Seq2SeqTrainConfig } from '../train/pretrain-seq2seq.ts';
import { pretrainThenMasks, type Experiment, type ExperimentProfiles, type JobContext, type SeedOutput } from './experiment.ts';
import { finding, knownNotToHoldAt, meanAccuracy, meanPretrain, type Declared } from './finding-helpers.ts';
import { formatNumber } from './format-number.ts';

export interface ScanConfig {
  seeds: number[];
  model: { embedding: number; hidden: number; layers: number };
  /** Pre-training on the i.i.d. split; the from-scratch baselines use the same settings on their split. */
  pretrain: Seq2SeqTrainConfig;
  mask: MaskStageConfig & { teacherForcing: number };
  /** Test examples per split (a fixed seeded subset), or null for all. */
  testLimit: number | null;
  /** Training examples per split checked under its own mask (the paper: 4,182). */
  trainCheck: number;
  /**
   * The mask stages' training curves: checkpoints per stage, on the first
   * this-many examples of each test subset. Absent: none recorded (ci and
   * quick, until quick's next rerun: recording them changes the artifact).
   */
  curve?: { points: number; examples: number };
  histogramBins: number;
}

/** The paper's β is 3e-5 at batch 256: α = β / B ≈ 1.17e-7 per logit. Smaller batches keep α. */
const PAPER_ALPHA = 3e-5 / 256;

const profiles: ExperimentProfiles<ScanConfig> = {
  // Seconds: exercises every code path, reproduces nothing.
  ci: {
    seeds: [1, 2],
    model: { embedding: 8, hidden: 16, layers: 1 },
    pretrain: { steps: 40, batchSize: 16, lr: 3e-3, gradClip: 5, teacherForcing: 0.5, finalLrFactor: 1 },
    mask: { steps: 30, batchSize: 16, samples: 4, lr: 1e-2, beta: PAPER_ALPHA * 16, logitInit: 2, gradClip: 5, teacherForcing: 0.5 },
    testLimit: 48,
    trainCheck: 32,
    histogramBins: 20,
  },
  // The default, sized on this 2-core CPU (docs/method.md §12.3): one 128-unit
  // LSTM layer, batch 64, K = 4 chunks of 16. A linearly decaying learning rate
  // reaches 99.9% on the i.i.d. test set in 4k steps (measured, seed 1). The
  // paper's α would need its 25k-step stages (nothing is pruned in 1k steps), so
  // α is raised 100× (QUICK_BETA_SIZING says what the other choices did).
  quick: {
    seeds: [1, 2, 3],
    model: { embedding: 16, hidden: 128, layers: 1 },
    pretrain: { steps: 4000, batchSize: 64, lr: 3e-3, gradClip: 5, teacherForcing: 0.5, finalLrFactor: 0.1 },
    mask: { steps: 1000, batchSize: 64, samples: 4, lr: 1e-2, beta: 100 * PAPER_ALPHA * 64, logitInit: 2, gradClip: 5, teacherForcing: 0.5 },
    testLimit: 1000,
    trainCheck: 1000,
    histogramBins: 50,
  },
  // The scale issue's part 3: quick's network and pre-training, the paper's α and its 25k-step
  // stages, with curves. One seed: its four stages take about 50 min each on one core (8.3 steps/s
  // at quick), about 2 hours on two workers with the stages as jobs; more seeds are the paper
  // profile's (a GPU).
  long: {
    seeds: [1],
    model: { embedding: 16, hidden: 128, layers: 1 },
    pretrain: { steps: 4000, batchSize: 64, lr: 3e-3, gradClip: 5, teacherForcing: 0.5, finalLrFactor: 0.1 },
    mask: { steps: 25000, batchSize: 64, samples: 4, lr: 1e-2, beta: PAPER_ALPHA * 64, logitInit: 2, gradClip: 5, teacherForcing: 0.5 },
    testLimit: 1000,
    trainCheck: 1000,
    curve: { points: 25, examples: 200 },
    histogramBins: 50,
  },
  // The paper's sweeps (scan.yaml, scan_baseline.yaml): 2×200 LSTM, 25k + 4 × 25k steps, 10 seeds.
  paper: {
    seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    model: { embedding: 16, hidden: 200, layers: 2 },
    pretrain: { steps: 25000, batchSize: 256, lr: 1e-3, gradClip: 5, teacherForcing: 0.5, finalLrFactor: 1 },
    mask: { steps: 25000, batchSize: 256, samples: 4, lr: 1e-2, beta: 3e-5, logitInit: 2, gradClip: 5, teacherForcing: 0.5 },
    testLimit: null,
    trainCheck: 4182,
    curve: { points: 50, examples: 1000 },
    histogramBins: 500,
  },
};

/**
 * Measured while sizing the quick profile (seed 1, the pre-trained 128-unit
 * network, i.i.d. and jump stages; accuracies on 1,000-command test subsets):
 *   β (B = 64)   steps   i.i.d. mask on i.i.d.   jump mask on jump   I_JUMP removed
 *   7.5e-6 (paper α)  1000   99.9   99.4   17%  (logits barely move)
 *   2.25e-4      1000   100    100    24%
 *   7.5e-4       1000   99.7   97.5   42%   ← quick
 *   1.2e-3       1000   95.3   86.2   50%
 *   1.5e-3       1500   71.5   19.6   61%
 *   7.5e-4       2500   70.9   24.8   58%
 *   3e-3         1000   67.8    6.8   63%
 * The jump test only collapses where the i.i.d. (control) mask has already
 * lost 25–30 points: within this budget there is no setting that keeps the
 * control and removes the jump-specific weights.
 */
const COLLAPSE_NEEDS_LONG_STAGES =
  "measured while sizing the quick profile (seed 1): with 1k-step mask stages, every β that makes the jump mask collapse the jump test (7.5e-4 for 2.5k steps: 24.8%; 3e-3: 6.8%) also breaks the i.i.d. control mask (71% and 68% on the i.i.d. test), and the β that keeps the control (7.5e-4, 1k steps: 99.7%) leaves the jump test at 97.5%. The paper's α needs its 25k-step stages (about 2 hours per stage and seed on this CPU); the output-layer removal pattern already shows at quick scale.";

/** The mask stages, in the paper's order: the i.i.d. reference, then the generalisation splits. */
export const SCAN_STAGES: { id: ScanSplit; label: string }[] = [
  { id: 'simple', label: 'i.i.d.' },
  { id: 'jump', label: 'Jump' },
  { id: 'length', label: 'Length' },
  { id: 'turn_left', label: 'Turn left' },
];
const SPLITS: ScanSplit[] = ['jump', 'length', 'turn_left'];
const SPLIT_LABEL: Record<ScanSplit, string> = { simple: 'i.i.d.', jump: 'Jump', length: 'Length', turn_left: 'Turn left' };

/** Accuracy-table column of the network trained from scratch on a split. */
export const scratchColumn = (split: ScanSplit) => `scratch:${split}`;

function sizesOf(c: ScanConfig): Seq2SeqSizes {
  return { inVocab: INPUT_WORDS.length + 1, outVocab: OUTPUT_ACTIONS.length + 1, ...c.model };
}

function layerIds(c: ScanConfig): string[] {
  const L = c.model.layers;
  return [...Array.from({ length: L }, (_, l) => `encoder${l + 1}`), ...Array.from({ length: L }, (_, l) => `decoder${l + 1}`), 'output'];
}

let evalSets: { key: string; sets: ScanEvalSets } | null = null;
/** Built on first use and shared by the jobs of one worker process. */
function evalSetsFor(c: ScanConfig): ScanEvalSets {
  const key = `${c.testLimit}/${c.trainCheck}`;
  if (evalSets?.key !== key) evalSets = { key, sets: scanEvalSets(c.testLimit, c.trainCheck) };
  return evalSets.sets;
}

const sampler = (train: ScanExample[]) => (rng: Rng, n: number) => Array.from({ length: n }, () => train[rng.int(train.length)]);

function train(
  ctx: JobContext,
  timer: StageTimer,
  c: ScanConfig,
  seed: number,
  split: ScanSplit,
  stage: string,
): { params: Seq2SeqHostParams; finalLoss: number } {
  const data = sampler(scanSplit(split).train);
  const rng = new Rng(seed, `${stage}-data`);
  // The baselines start from the same initial weights as the pre-trained network.
  return memoStage(ctx, timer, stage, c.pretrain.steps, () =>
    pretrainSeq2Seq(
      ctx.kernels,
      initSeq2Seq(sizesOf(c), new Rng(seed, 'init')),
      SCAN_TOKENS,
      c.pretrain,
      (n) => scanBatch(data(rng, n)),
      new Rng(seed, `${stage}-teacher-forcing`),
      (step) => ctx.progress(stage, step, c.pretrain.steps),
    ),
  );
}

/** Accuracy rows of one network under one mask: every test set, plus a split's own training subset. */
function evaluate(
  ctx: JobContext,
  c: ScanConfig,
  seed: number,
  variant: string,
  column: string,
  params: Seq2SeqHostParams,
  masks: Uint8Array[] | null,
  ownTrain: ScanSplit | null,
) {
  const sets = evalSetsFor(c);
  const read = (t: Parameters<typeof ctx.kernels.read>[0]) => ctx.kernels.read(t);
  const rows = [...sets.tests].map(([evalSet, examples]) => ({ seed, variant, column, evalSet, accuracy: maskedAccuracy(params, masks, examples, read) }));
  if (ownTrain) rows.push({ seed, variant, column, evalSet: OWN_TRAIN, accuracy: maskedAccuracy(params, masks, sets.trains.get(ownTrain)!, read) });
  return rows;
}

function emptyOutput(seed: number): SeedOutput {
  return { seed, pretrain: [], accuracy: [], weightsKept: [], overlap: [], confusion: [], histograms: [], masks: [], stages: [] };
}

function runMasks(ctx: JobContext, c: ScanConfig, seed: number): SeedOutput {
  const timer = new StageTimer(ctx.now);
  const ids = layerIds(c);
  const pre = train(ctx, timer, c, seed, 'simple', 'pretrain');
  const model = uploadFrozenSeq2Seq(ctx.kernels, pre.params, SCAN_TOKENS, scanBatch);
  const { teacherForcing, ...maskCfg } = c.mask;
  const read = (t: Parameters<typeof ctx.kernels.read>[0]) => ctx.kernels.read(t);
  const curveSets = [...evalSetsFor(c).tests].map(([evalSet, examples]) => ({ evalSet, examples: examples.slice(0, c.curve?.examples ?? 0) }));
  const curve =
    c.curve &&
    new CurveRecorder({
      seed,
      variant: 'normal',
      points: c.curve.points,
      layers: ids.map((id, tensor) => ({ id, tensor })),
      compare: SPLITS.map((split) => ['simple', split]),
      evaluate: (masks) => curveSets.map((s) => ({ evalSet: s.evalSet, accuracy: maskedAccuracy(pre.params, masks, s.examples, read) })),
    });
  let logits: Map<string, Float32Array[]>;
  try {
    logits = trainMaskStages<Seq2SeqPart<ScanExample>>(
      ctx,
      timer,
      model,
      maskCfg,
      seed,
      SCAN_STAGES.map((s) => {
        const data = sampler(scanSplit(s.id).train);
        // One teacher-forcing coin per batch, from the stage's data stream.
        return { id: s.id, sample: (rng, n) => [{ examples: data(rng, n), teacherForcing: rng.uniform() < teacherForcing }] };
      }),
      'normal',
      curve,
    );
  } finally {
    model.dispose();
  }
  const masks = new Map([...logits].map(([id, l]) => [id, l.map(binarize)]));
  const m = (id: string) => masks.get(id)!;
  const unmasked = evaluate(ctx, c, seed, 'normal', 'unmasked', pre.params, null, 'simple');
  const accuracy = [
    ...unmasked,
    ...timer.run('evaluate masks', 0, () => SCAN_STAGES.flatMap((s) => evaluate(ctx, c, seed, 'normal', s.id, pre.params, m(s.id), s.id))),
  ];
  const shapes = maskedShapes(sizesOf(c));
  const out = ids.length - 1;
  return {
    ...emptyOutput(seed),
    pretrain: unmasked.map((r) => ({ seed, variant: 'normal', evalSet: r.evalSet, steps: c.pretrain.steps, finalLoss: pre.finalLoss, accuracy: r.accuracy })),
    accuracy,
    weightsKept: SCAN_STAGES.flatMap((s) => weightsKeptRows(seed, 'normal', s.id, ids, m(s.id))),
    overlap: SPLITS.flatMap((split) => overlapRows(seed, 'normal', 'simple', split, ids, m('simple'), m(split))),
    tokenRemoval: SPLITS.flatMap((split) => tokenRemovalRows(seed, 'simple', split, OUTPUT_TOKEN_NAMES, c.model.hidden, m('simple')[out], m(split)[out])),
    histograms: SCAN_STAGES.map((s) => ({ mask: s.id, counts: sigmoidHistogram(logits.get(s.id)!, c.histogramBins) })),
    masks: SCAN_STAGES.flatMap((s) => maskRecords('normal', s.id, ids, shapes, m(s.id))),
    ...(curve ? { curve: curve.rows } : {}),
    stages: timer.stages,
  };
}

function runBaseline(ctx: JobContext, c: ScanConfig, seed: number, split: ScanSplit): SeedOutput {
  const timer = new StageTimer(ctx.now);
  const stage = `scratch-${split}`;
  const net = train(ctx, timer, c, seed, split, stage);
  const accuracy = timer.run(`evaluate ${stage}`, 0, () => evaluate(ctx, c, seed, 'normal', scratchColumn(split), net.params, null, split));
  return {
    ...emptyOutput(seed),
    pretrain: accuracy.map((r) => ({ seed, variant: stage, evalSet: r.evalSet, steps: c.pretrain.steps, finalLoss: net.finalLoss, accuracy: r.accuracy })),
    accuracy,
    stages: timer.stages,
  };
}

/** Mean over seeds of a split mask's per-token removed share. */
function meanRemoval(a: Parameters<Experiment<ScanConfig>['findings']>[0], mask: string, token: string): number {
  return mean(select(a.tables.tokenRemoval ?? [], { base: 'simple', mask, token }, (r) => r.share));
}

export const scan: Experiment<ScanConfig> = {
  id: 'scan',
  title: 'SCAN: which weights do the generalisation splits depend on?',
  question:
    "An LSTM encoder-decoder trained on the i.i.d. SCAN split also solves most jump, length and turn-left test commands. Masks trained on each split's training set alone show whether those answers rest on weights that the split's own data does not need — in which case removing them brings accuracy down towards a network trained on the split from scratch.",
  profiles,
  dataVariant: () =>
    "SCAN generated from its grammar (all 20,910 commands, exact actions); length / add-jump / add-turn-left splits by the official rules, i.i.d. split a seeded 80/20 draw (not the official file's draw)",
  dataVersion: 'scan-grammar-v1',
  // Costs in arithmetic-MLP steps (the runner starts the longest jobs first):
  // a SCAN pre-training step takes about 4 of those, a mask step about 5.5.
  parts: (c) => [
    { id: 'masks', cost: 4 * c.pretrain.steps + 5.5 * 4 * c.mask.steps },
    ...SPLITS.map((split) => ({ id: `scratch-${split}`, cost: 4 * c.pretrain.steps })),
  ],
  // The LSTMs' masked weights stand for the FLOPs of an example (the sequences are the same data in every
  // profile): pre-training and the three baselines, and the four mask stages.
  work: (c) => ({
    units:
      c.seeds.length *
      maskedShapes(sizesOf(c)).reduce((a, [i, o]) => a + i * o, 0) *
      ((1 + SPLITS.length) * c.pretrain.steps * c.pretrain.batchSize + SCAN_STAGES.length * c.mask.steps * c.mask.batchSize),
    what: `${c.model.layers} × ${c.model.hidden} LSTM, ${c.seeds.length} seeds, ${c.mask.steps / 1000}k-step mask stages`,
  }),
  // The mask part's pre-training and each mask stage; a from-scratch baseline is one piece.
  stages: (c, _seed, part) =>
    part === 'masks'
      ? pretrainThenMasks(
          4 * c.pretrain.steps,
          SCAN_STAGES.map((s) => ({ stage: s.id, cost: 5.5 * c.mask.steps })),
        )
      : [],
  masks: () =>
    SCAN_STAGES.map((s) => ({
      id: s.id,
      label: s.label,
      variant: 'normal',
      trainedOn: s.id === 'simple' ? 'the i.i.d. training set (the reference mask)' : `the ${s.label.toLowerCase()} split's training set`,
    })),
  layers: (c): LayerInfo[] => {
    const shapes = maskedShapes(sizesOf(c));
    const ids = layerIds(c);
    return ids.map((id, k) => ({
      id,
      shape: shapes[k],
      label:
        k === ids.length - 1
          ? `Output projection (${c.model.hidden}→7)`
          : `${id.startsWith('encoder') ? 'Encoder' : 'Decoder'} LSTM ${id.slice(-1)} ([W_ih; W_hh], ${shapes[k][0]}→${shapes[k][1]})`,
      role:
        k === ids.length - 1
          ? 'output layer: rows = hidden units, columns = output tokens (I_TURN_LEFT … I_LOOK, EOS)'
          : 'LSTM layer: rows = input then recurrent units, columns = gates i, f, g, o × hidden units',
    }));
  },
  pictures: SPLITS.map((split) => ({ variant: 'normal', a: 'simple', b: split })),
  runSeed(ctx, c, seed, part) {
    if (part === 'masks') return runMasks(ctx, c, seed);
    const split = SPLITS.find((s) => part === `scratch-${s}`);
    if (!split) throw new Error(`unknown SCAN job part "${part}"`);
    return runBaseline(ctx, c, seed, split);
  },
  findings(a) {
    const acc = (column: string, set: string) => meanAccuracy(a, 'normal', column, set);
    const before = (s: ScanSplit) => acc('simple', TEST_SET_OF[s]);
    const after = (s: ScanSplit) => acc(s, TEST_SET_OF[s]);
    const scratch = (s: ScanSplit) => acc(scratchColumn(s), TEST_SET_OF[s]);
    const DECLARED: Declared = { at: '2026-11-26T02:27:01Z' };
    const COLLAPSE_DECLARED: Declared = {
      at: '2026-11-26T02:59:27Z',
      afterSeeing: 'declared not expected at quick after the sizing runs of the quick profile showed no collapse (thresholds unchanged)',
    };
    const PREMISE_DECLARED: Declared = {
      at: '2026-12-01T17:15:00Z',
      afterSeeing: 'the premise was added after the published run, where nothing collapsed and the comparison held vacuously (it was shown as reproduced)',
    };
    // The long profile (the paper's α and stage length, one seed) was declared before its first run, from the
    // scale issue's probe at 10k-step stages (seed 1): the jump test at 81.8% after the jump mask (99.1% before).
    const long = a.provenance.profile === 'long';
    const LONG_DECLARED: Declared = { at: '2026-12-01T23:22:06Z' };
    const LONG_COLLAPSE =
      "declared before the first long run: at the paper's α the probe with 10k-step stages (seed 1) had the jump test at 81.8% after masking (99.1% before; from scratch about 1%), falling by about 2 points per 1k steps, so 25k steps would end near the half-way line, not clearly past it; no probe measured the length split";
    const collapsed = (s: ScanSplit) => after(s) <= scratch(s) + 0.5 * (before(s) - scratch(s)) && before(s) - after(s) >= 0.1;
    const collapse = (s: ScanSplit) =>
      finding({
        kind: 'claim',
        declared: long ? LONG_DECLARED : COLLAPSE_DECLARED,
        notExpected: knownNotToHoldAt(a, ['quick'], COLLAPSE_NEEDS_LONG_STAGES) ?? knownNotToHoldAt(a, ['long'], LONG_COLLAPSE),
        id: `${s}-mask-collapses-towards-scratch`,
        claim: `The ${SPLIT_LABEL[s].toLowerCase()} mask brings ${SPLIT_LABEL[s].toLowerCase()}-test accuracy at least half-way down from the i.i.d. mask ("before") to the network trained from scratch on the split.`,
        paper: `After masking with the ${SPLIT_LABEL[s].toLowerCase()} training set, accuracy on its test set collapses to about the level of a model trained on the split from scratch.`,
        evidence: { before: before(s), after: after(s), 'from scratch': scratch(s) },
        holds: collapsed(s),
      });
    const tokenShares = Object.fromEntries(OUTPUT_TOKEN_NAMES.map((t) => [t, meanRemoval(a, 'jump', t)]));
    const others = OUTPUT_TOKEN_NAMES.filter((t) => t !== 'I_JUMP').map((t) => tokenShares[t]);
    const ownTrain = SCAN_STAGES.map((s) => ({ s, value: acc(s.id, OWN_TRAIN) }));
    return [
      finding({
        id: 'pretrained-solves-iid',
        kind: 'check',
        declared: DECLARED,
        claim: 'The network pre-trained on the i.i.d. split solves its test set: ≥ 95% exact-sequence accuracy (mean over seeds).',
        paper: "The network must solve the task before masks mean anything; the paper's LSTM is near 100% on the i.i.d. split.",
        evidence: { 'unmasked i.i.d. test': meanPretrain(a, 'normal', 'iid') },
        holds: meanPretrain(a, 'normal', 'iid') >= 0.95,
      }),
      finding({
        id: 'iid-mask-does-well-on-splits',
        kind: 'check',
        declared: DECLARED,
        claim:
          "Before masking for a split, the i.i.d. mask scores ≥ 75% on the jump, length and turn-left test sets (about 80% of each test set's commands are in the i.i.d. training set).",
        paper: 'The i.i.d.-trained model does well on the jump, length and turn-left test sets.',
        evidence: Object.fromEntries(SPLITS.map((s) => [`i.i.d. mask on ${SPLIT_LABEL[s]} test`, before(s)])),
        holds: SPLITS.every((s) => before(s) >= 0.75),
      }),
      finding({
        id: 'iid-mask-keeps-performance',
        kind: 'check',
        declared: DECLARED,
        claim: 'The i.i.d. (reference) mask stays within 2 points of the unmasked network on the i.i.d. test set.',
        paper: 'Masks trained on the full task keep its performance (the control).',
        evidence: { 'i.i.d. mask': acc('simple', 'iid'), unmasked: acc('unmasked', 'iid') },
        holds: acc('simple', 'iid') >= acc('unmasked', 'iid') - 0.02,
      }),
      finding({
        id: 'split-masks-keep-own-training-data',
        kind: 'check',
        declared: DECLARED,
        claim:
          'Every mask keeps ≥ 90% exact-sequence accuracy on (a subset of) the training set it was trained on: what it removes, its own data did not need.',
        paper: 'Each stage is also evaluated on a fixed subset of its own training set.',
        evidence: Object.fromEntries(ownTrain.map((o) => [`${o.s.label} mask on its training set`, o.value])),
        holds: ownTrain.every((o) => o.value >= 0.9),
      }),
      collapse('jump'),
      collapse('length'),
      finding({
        id: 'turn-left-stays-higher',
        kind: 'claim',
        declared: long ? LONG_DECLARED : PREMISE_DECLARED,
        premise: {
          holds: collapsed('jump') && collapsed('length'),
          what: 'the jump and length accuracies collapse after masking (the two findings above); with nothing collapsed, "stays higher" compares nothing',
        },
        claim: 'After masking, turn-left test accuracy stays higher than jump and length test accuracy after theirs.',
        paper: "Turn left stays comparatively high (Lake & Baroni's from-scratch LSTM: ≈ 90% on turn left, ≈ 1% on jump, ≈ 14% on length).",
        evidence: Object.fromEntries(SPLITS.map((s) => [`after, ${SPLIT_LABEL[s]}`, after(s)])),
        holds: after('turn_left') > after('jump') && after('turn_left') > after('length'),
        notExpected:
          knownNotToHoldAt(a, ['quick'], `a comparison between collapsed splits, which the quick profile does not reach: ${COLLAPSE_NEEDS_LONG_STAGES}`) ??
          knownNotToHoldAt(a, ['long'], `a comparison between collapsed splits: ${LONG_COLLAPSE}`),
      }),
      finding({
        id: 'jump-mask-removes-i-jump-most',
        kind: 'claim',
        declared: DECLARED,
        claim: "In the output layer, the jump mask drops a larger share of the i.i.d. mask's weights into I_JUMP than into any other token.",
        paper: 'The jump mask removes a much larger fraction of the I_JUMP row than of any other token.',
        evidence: Object.fromEntries(OUTPUT_TOKEN_NAMES.map((t) => [`removed ${t}`, tokenShares[t]])),
        holds: tokenShares.I_JUMP > Math.max(...others),
      }),
    ];
  },
  references: [
    {
      source: 'Lake & Baroni (2018), best LSTM trained from scratch on each split',
      quantity: 'test accuracy: jump / length / turn left',
      value: '≈ 1% / ≈ 14% / ≈ 90%',
    },
    {
      source: 'Paper',
      quantity: 'split accuracies before / after masking, the I_JUMP removed share',
      value: 'numeric values not available to this reproduction; only the qualitative claims',
    },
  ],
  notes: (c) => [
    `Network: embedding ${c.model.embedding}, ${c.model.layers} × ${c.model.hidden} LSTM encoder and decoder, linear output (the paper: 2 × 200).`,
    `Pre-training and each from-scratch baseline: ${c.pretrain.steps} steps, Adam lr ${c.pretrain.lr}${c.pretrain.finalLrFactor !== 1 ? ` decaying linearly to ${formatNumber(c.pretrain.lr * c.pretrain.finalLrFactor)}` : ''}, batch ${c.pretrain.batchSize}, clip ${c.pretrain.gradClip}, teacher forcing on ${c.pretrain.teacherForcing * 100}% of batches (the paper: 25k steps, batch 256). No dropout (the paper: 0.5 on embeddings and between LSTM layers); the paper's greedy decoder also applied dropout at evaluation, we do not.`,
    `Masks: ${c.mask.steps} steps per stage (the paper: 25k), batch ${c.mask.batchSize}, K = ${c.mask.samples} samples (one per chunk for all time steps), β = ${c.mask.beta.toExponential(2)}: ${Math.abs(c.mask.beta / c.mask.batchSize / PAPER_ALPHA - 1) < 1e-9 ? "α = β / B is the paper's 3e-5 / 256" : `α = β / B is ${(c.mask.beta / c.mask.batchSize / PAPER_ALPHA).toFixed(0)}× the paper's 3e-5 / 256 (at the paper's α, ${c.mask.steps}-step stages prune almost nothing)`}; teacher forcing on 50% of batches during mask training, as the official model stays in training mode.`,
    "LSTM initialisation: PyTorch's defaults (uniform ±1/√H, all biases alike), not the official code's (forget-gate bias 1, scaled normal weights, an orthogonal cell-gate block). Ours pre-trains to 99.9% on the i.i.d. test set, and the masks analyse the network pre-training made; changing the init changes that network, so it waits for a planned rerun of SCAN (quick and long).",
    'Each stage trains on its own split (the official code had a closure bug in Oct 2020–Feb 2021 that trained every SCAN stage on the turn-left set; we use the fixed semantics).',
    c.testLimit === null
      ? 'Evaluation on the full test sets.'
      : `Evaluation on a fixed random subset of ${c.testLimit} commands per test set (the same for every seed and mask), and ${c.trainCheck} commands of each split's training set.`,
    'The i.i.d. split is our own seeded 80/20 draw: it puts 6,153 of the 7,706 jump-test commands in its training set, against 6,218 in the official file (length 3,136 vs 3,152; turn left 971 vs 948).',
  ],
};
