// Experiment B of the paper (docs/method.md §3): double addition. Two pairs are
// added by the *same* operation, each through its own input and output units
// but shared hidden layers. If the network reused one adder for both pairs,
// the pair-1 and pair-2 masks would overlap in the hidden layers, and removing
// pair 1's weights would break pair 2 (P_reuse). The copy-weight control forces
// exact reuse and checks that the method would see it.
import type { LayerInfo } from '../artifacts/schema.ts';
import { accuracyTable, type MaskColumn } from '../analysis/accuracy-table.ts';
import { sigmoidHistogram } from '../analysis/logit-histogram.ts';
import { mlpCurveRecorder } from '../analysis/mlp-curve.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { DOUBLE_ADD_INPUTS, DOUBLE_ADD_OUTPUTS, doubleAddBatch, doubleAddEvalPass, PAIRS, type PairIndex } from '../data/double-add-data.ts';
import { binarize, invert, type BinaryMask } from '../masking/binary-mask.ts';
import type { HostGradients } from '../masking/frozen-gradients.ts';
import { pretrainForSeed, trainStages } from '../masking/mlp-stages.ts';
import { layerShapes, type MlpHostParams } from '../models/mlp.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import type { Pass } from '../train/passes.ts';
import { mlpConfigWords, mlpProfiles, type MlpTaskConfig } from './mlp-profiles.ts';
import { PAIR_MASKS } from './names.ts';
import { pretrainThenMasks, type Experiment, type JobContext, type SeedOutput } from './experiment.ts';
import { mlpStepFlops } from '../models/flops.ts';
import {
  controlKeepsPerformance,
  controlNearBinary,
  finding,
  knownNotToHoldAt,
  meanAccuracy,
  meanOverLayers,
  meanOverlap,
  pretrainedSolves,
  SHORT_STAGES,
  type Declared,
} from './finding-helpers.ts';
import { formatNumber } from './format-number.ts';

export type DoubleAddConfig = MlpTaskConfig;

// Addition alone is easy: 256×4 reaches 100% on both pairs in 4k steps. β = 4e-4 as in the paper.
const profiles = mlpProfiles({ beta: 4e-4, quickHidden: 256, quickPretrainSteps: 4000 });

const PAIR_LABEL = ['Pair 1', 'Pair 2'];
const PAIR_MASK: readonly string[] = PAIR_MASKS;

/** The mask stages and the pairs whose outputs enter each one's loss. */
export const DOUBLE_ADD_STAGES: { id: string; pairs: PairIndex[] }[] = [
  { id: 'control', pairs: [...PAIRS] },
  { id: 'pair1', pairs: [0] },
  { id: 'pair2', pairs: [1] },
];

function sizesOf(c: DoubleAddConfig): number[] {
  return [DOUBLE_ADD_INPUTS, ...c.hidden, DOUBLE_ADD_OUTPUTS];
}

function layerIds(c: DoubleAddConfig): string[] {
  return layerShapes(sizesOf(c)).map((_, l) => `layer${l + 1}`);
}

/**
 * The copy-weight network: pair 1's input rows of the first layer and output
 * columns (and biases) of the last layer are overwritten with pair 2's, so both
 * pairs run literally the same computation.
 */
export function copyPair2IntoPair1(p: MlpHostParams): MlpHostParams {
  const W = p.W.map((w) => Float32Array.from(w));
  const b = p.b.map((x) => Float32Array.from(x));
  const hidden1 = p.sizes[1];
  for (let u = 0; u < DOUBLE_ADD_INPUTS / 2; u++) W[0].copyWithin(u * hidden1, (u + 40) * hidden1, (u + 41) * hidden1);
  const last = W.length - 1;
  const [rows, cols] = [p.sizes[last], p.sizes[last + 1]];
  for (let r = 0; r < rows; r++) for (let c = 0; c < 20; c++) W[last][r * cols + c] = W[last][r * cols + c + 20];
  for (let c = 0; c < 20; c++) b[last][c] = b[last][c + 20];
  return { sizes: p.sizes, W, b };
}

/** Hidden layers take ¬m; the input and output layers keep the control mask ("fullmask" variant of §3.4). */
function invertHiddenOnly(mask: BinaryMask[], control: BinaryMask[]): BinaryMask[] {
  return mask.map((m, l) => (l === 0 || l === mask.length - 1 ? control[l] : invert(m)));
}

/** The exhaustive per-pair evaluation sets, built on first use (not when the module loads). */
let evalSetsCache: { evalSet: string; pass: Pass }[] | null = null;
function evalSets(): { evalSet: string; pass: Pass }[] {
  evalSetsCache ??= PAIRS.map((pair) => ({ evalSet: PAIR_LABEL[pair], pass: doubleAddEvalPass(pair) }));
  return evalSetsCache;
}

function runVariant(
  ctx: JobContext,
  timer: StageTimer,
  c: DoubleAddConfig,
  seed: number,
  params: MlpHostParams,
  variant: 'normal' | 'copy-weight',
  lastGrad: HostGradients,
): { output: Omit<SeedOutput, 'seed' | 'pretrain' | 'stages'>; pretrainAccuracy: number[] } {
  const ids = layerIds(c);
  const stageIds = variant === 'normal' ? ['control', ...PAIR_MASK] : PAIR_MASK;
  const pairsOf = (id: string): PairIndex[] => DOUBLE_ADD_STAGES.find((s) => s.id === id)!.pairs;
  const curve = mlpCurveRecorder(params, evalSets(), c.curve, { seed, variant, layers: ids, compare: [['pair1', 'pair2']] });
  const logits = trainStages(
    ctx,
    timer,
    params,
    c.mask,
    seed,
    stageIds.map((id) => ({ id, sample: (rng, n) => doubleAddBatch(rng, n, pairsOf(id)) })),
    variant,
    curve,
    lastGrad,
  );
  const binary = new Map([...logits].map(([id, l]) => [id, l.map(binarize)]));
  const m = (id: string) => binary.get(id)!;
  const sets = evalSets();
  const columns: MaskColumn[] = [{ column: 'unmasked', masks: null }];
  if (variant === 'normal') columns.push({ column: 'Full', masks: m('control') });
  for (const [i, id] of PAIR_MASK.entries()) {
    columns.push({ column: PAIR_LABEL[i], masks: m(id) }, { column: `¬${PAIR_LABEL[i]}`, masks: m(id).map(invert) });
  }
  if (variant === 'normal') {
    for (const [i, id] of PAIR_MASK.entries()) columns.push({ column: `¬${PAIR_LABEL[i]} (I/O from Full)`, masks: invertHiddenOnly(m(id), m('control')) });
  }
  const table = accuracyTable(params, columns, sets, seed, variant);
  return {
    pretrainAccuracy: sets.map((s) => table.rows.find((r) => r.column === 'unmasked' && r.evalSet === s.evalSet)!.accuracy),
    output: {
      accuracy: table.rows,
      weightsKept: stageIds.flatMap((id) => weightsKeptRows(seed, variant, id, ids, m(id))),
      overlap: overlapRows(seed, variant, 'pair1', 'pair2', ids, m('pair1'), m('pair2')),
      confusion: [],
      histograms: variant === 'normal' ? stageIds.map((id) => ({ mask: id, counts: sigmoidHistogram(logits.get(id)!, c.histogramBins) })) : [],
      masks: stageIds.flatMap((id) => maskRecords(variant, id, ids, layerShapes(sizesOf(c)), m(id))),
      curve: curve.rows,
    },
  };
}

function runSeed(ctx: JobContext, c: DoubleAddConfig, seed: number): SeedOutput {
  const timer = new StageTimer(ctx.now);
  const pre = pretrainForSeed(ctx, timer, sizesOf(c), c.pretrain, seed, (rng, n) => doubleAddBatch(rng, n, PAIRS));
  const normal = runVariant(ctx, timer, c, seed, pre.params, 'normal', pre.lastGrad);
  // Each variant's stages start from the pre-training's last gradient (only the faithful clipping reads it).
  const copied = runVariant(ctx, timer, c, seed, copyPair2IntoPair1(pre.params), 'copy-weight', pre.lastGrad);
  const variants = [
    { name: 'normal', r: normal },
    { name: 'copy-weight', r: copied },
  ];
  return {
    seed,
    pretrain: variants.flatMap(({ name, r }) =>
      evalSets().map((s, i) => ({
        seed,
        variant: name,
        evalSet: s.evalSet,
        accuracy: r.pretrainAccuracy[i],
        steps: c.pretrain.steps,
        finalLoss: pre.finalLoss,
      })),
    ),
    accuracy: [...normal.output.accuracy, ...copied.output.accuracy],
    weightsKept: [...normal.output.weightsKept, ...copied.output.weightsKept],
    overlap: [...normal.output.overlap, ...copied.output.overlap],
    confusion: [],
    histograms: normal.output.histograms,
    masks: [...normal.output.masks, ...copied.output.masks],
    curve: [...normal.output.curve!, ...copied.output.curve!],
    stages: timer.stages,
  };
}

export const doubleAdd: Experiment<DoubleAddConfig> = {
  id: 'double-add',
  title: 'Double addition: is one adder reused for two pairs?',
  question:
    "A network adds two pairs of numbers with the same operation, through separate input and output units but shared hidden layers. Do the masks of pair 1 and pair 2 share hidden weights, and does removing one pair's weights break the other (P_reuse)?",
  profiles,
  dataVariant: () => 'generated: operands 0–99, uniform, sampled on the fly; per-pair evaluation on all 10,000 operand pairs',
  dataVersion: 'double-add-data-v1',
  masks: () => [
    { id: 'control', label: 'Full', trainedOn: 'both pairs (loss on all outputs): the control mask', variant: 'normal' },
    { id: 'pair1', label: 'Pair 1', trainedOn: "loss on pair 1's outputs only", variant: 'normal' },
    { id: 'pair2', label: 'Pair 2', trainedOn: "loss on pair 2's outputs only", variant: 'normal' },
    { id: 'pair1', label: 'Pair 1', trainedOn: 'copy-weight network, loss on pair 1 only', variant: 'copy-weight' },
    { id: 'pair2', label: 'Pair 2', trainedOn: 'copy-weight network, loss on pair 2 only', variant: 'copy-weight' },
  ],
  layers: (c): LayerInfo[] =>
    layerShapes(sizesOf(c)).map(([i, o], l, all) => ({
      id: `layer${l + 1}`,
      label: `Layer ${l + 1} (${i}→${o})`,
      shape: [i, o],
      role:
        l === 0
          ? 'input layer: rows 0–39 = pair 1 digits, 40–79 = pair 2'
          : l === all.length - 1
            ? 'output layer: columns 0–19 = pair 1 digits, 20–39 = pair 2'
            : 'hidden layer (shared by both pairs)',
    })),
  pictures: [
    { variant: 'normal', a: 'pair1', b: 'pair2' },
    { variant: 'copy-weight', a: 'pair1', b: 'pair2' },
  ],
  // The control trains on both pairs' passes, a pair mask on one.
  stages: (c) =>
    pretrainThenMasks(c.pretrain.steps, [
      { stage: 'control', cost: 2 * c.mask.steps },
      ...['', 'copy-weight/'].flatMap((v) => PAIR_MASK.map((id) => ({ stage: `${v}${id}`, cost: c.mask.steps }))),
    ]),
  // A pass per pair a step: two in pre-training and the control, one in each of the four pair stages.
  work: (c) => ({
    units: c.seeds.length * mlpStepFlops(sizesOf(c), 1) * (2 * c.pretrain.steps * c.pretrain.batchSize + (2 + 4) * c.mask.steps * c.mask.batchSize),
    what: mlpConfigWords(c),
  }),
  runSeed,
  findings(a, c) {
    const ids = layerIds(c);
    const acc = (column: string, set: string) => meanAccuracy(a, 'normal', column, set);
    const hidden = ids.slice(1, -1);
    const hiddenIou = (variant: string) => meanOverLayers(a, variant, hidden, 'iou');
    const DECLARED: Declared = { at: '2026-11-26T00:07:49Z' };
    const REUSE_DECLARED: Declared = {
      at: '2026-11-26T00:49:07Z',
      afterSeeing: 'declared not expected at quick after the first quick runs showed the pair masks sharing hidden weights (thresholds unchanged)',
    };
    const BINARY_DECLARED: Declared = {
      at: '2026-11-26T00:49:07Z',
      afterSeeing: 'declared not expected at quick after the first quick runs showed σ(logit) not yet bimodal (threshold unchanged)',
    };
    // The long profile (256×4 with the paper's 20k-step stages) was declared before its first run, from the
    // scale issue's probe at 8k-step stages (seed 1): hidden IoU .28/.48/.57, ¬Pair cells 38% and 55%.
    const long = a.provenance.profile === 'long';
    const LONG_DECLARED: Declared = { at: '2026-12-01T20:39:00Z' };
    const LONG_REUSE =
      'declared before the first long run: at 256×4 the probe with 8k-step stages (seed 1; rerun since as the named run double-add-8k, runs/double-add-8k, with the same numbers) still had hidden IoU .28–.57 and ¬Pair cells of 38% and 55%; 20k steps may move them further without reaching the thresholds (the width sweep shows width matters as much)';
    const reused =
      knownNotToHoldAt(a, ['long'], LONG_REUSE) ??
      knownNotToHoldAt(
        a,
        ['quick'],
        "observed at quick scale (256×4, 2k mask steps): the pair masks share hidden weights far above chance (compare the mean hidden IoU with its chance level in the evidence), and each inverted pair mask breaks both pairs. This small network does reuse hidden weights for the two pairs; whether the paper's result needs its 2000-unit layers and 20k-step stages is what the paper profile would show (it needs a GPU).",
      );
    return [
      pretrainedSolves(
        a,
        'pretrained-solves-both-pairs',
        'adds both pairs',
        [
          { evalSet: 'Pair 1', label: 'pair 1' },
          { evalSet: 'Pair 2', label: 'pair 2' },
        ],
        DECLARED,
      ),
      controlKeepsPerformance(
        a,
        '',
        [
          { evalSet: 'Pair 1', label: 'pair 1' },
          { evalSet: 'Pair 2', label: 'pair 2' },
        ],
        DECLARED,
      ),
      finding({
        id: 'pair-masks-keep-own-pair',
        kind: 'check',
        declared: DECLARED,
        claim: 'Each pair mask keeps its own pair (≥ 90%) and loses the other (≤ 20%).',
        paper: 'Pair-1 mask → pair 1 ✓, pair 2 ✗; and symmetrically for pair 2.',
        evidence: {
          'Pair 1 mask on pair 1': acc('Pair 1', 'Pair 1'),
          'Pair 1 mask on pair 2': acc('Pair 1', 'Pair 2'),
          'Pair 2 mask on pair 2': acc('Pair 2', 'Pair 2'),
          'Pair 2 mask on pair 1': acc('Pair 2', 'Pair 1'),
        },
        holds: acc('Pair 1', 'Pair 1') >= 0.9 && acc('Pair 1', 'Pair 2') <= 0.2 && acc('Pair 2', 'Pair 2') >= 0.9 && acc('Pair 2', 'Pair 1') <= 0.2,
      }),
      finding({
        id: 'inverted-pair-mask-keeps-other-pair',
        kind: 'claim',
        declared: long ? LONG_DECLARED : REUSE_DECLARED,
        claim:
          "Removing one pair's weights leaves the other pair working: ¬Pair 1 on pair 2 and ¬Pair 2 on pair 1 both ≥ 80%, while each breaks its own pair (≤ 20%).",
        paper: '¬Pair 1 → pair 1 ✗ and pair 2 ✓ (and symmetrically): pair 2 survives without any weight pair 1 needed, so the adder is not reused.',
        evidence: {
          '¬Pair 1 on pair 2': acc('¬Pair 1', 'Pair 2'),
          '¬Pair 1 on pair 1': acc('¬Pair 1', 'Pair 1'),
          '¬Pair 2 on pair 1': acc('¬Pair 2', 'Pair 1'),
          '¬Pair 2 on pair 2': acc('¬Pair 2', 'Pair 2'),
        },
        holds: acc('¬Pair 1', 'Pair 2') >= 0.8 && acc('¬Pair 2', 'Pair 1') >= 0.8 && acc('¬Pair 1', 'Pair 1') <= 0.2 && acc('¬Pair 2', 'Pair 2') <= 0.2,
        notExpected: reused,
      }),
      finding({
        id: 'hidden-iou-low',
        kind: 'claim',
        declared: long ? LONG_DECLARED : REUSE_DECLARED,
        claim: 'The pair masks share little in the hidden layers: mean hidden-layer IoU ≤ 0.3.',
        paper: 'Pair masks have low hidden-layer IoU: identical operations are not computed by shared weights.',
        evidence: {
          'mean hidden IoU': hiddenIou('normal'),
          'mean hidden IoU by chance': meanOverLayers(a, 'normal', hidden, 'chanceIou'),
          ...Object.fromEntries(ids.map((id) => [`IoU ${id}`, meanOverlap(a, 'normal', id, 'iou')])),
        },
        holds: hiddenIou('normal') <= 0.3,
        notExpected: reused,
      }),
      finding({
        id: 'copy-weight-detects-reuse',
        kind: 'check',
        declared: DECLARED,
        claim:
          'With weights copied so that both pairs run the same computation, the pair masks overlap clearly more: mean hidden-layer IoU at least 0.2 higher than in the normal network.',
        paper: 'The copy-weight control shows the method can detect real reuse: the pair masks then overlap strongly.',
        evidence: { 'hidden IoU, copy-weight': hiddenIou('copy-weight'), 'hidden IoU, normal': hiddenIou('normal') },
        holds: hiddenIou('copy-weight') >= hiddenIou('normal') + 0.2,
      }),
      controlNearBinary(a, long ? LONG_DECLARED : BINARY_DECLARED, knownNotToHoldAt(a, ['quick'], SHORT_STAGES)),
    ];
  },
  references: [
    {
      source: 'Paper',
      quantity: 'inverted-mask table (Full, Pair 1, ¬Pair 1, Pair 2, ¬Pair 2)',
      value: 'numeric values not available to this reproduction; the claim is that ¬Pair 1 keeps pair 2 and ¬Pair 2 keeps pair 1',
    },
    {
      source: "The paper's authors, in the issue tracker of the official code (github.com/RobertCsordas/modules, issue 2)",
      quantity: 'FNN inverted-mask results',
      value: 'vary a lot between runs',
    },
  ],
  notes: (c) => [
    `Network: FNN ${sizesOf(c).join('→')}, run once per pair with the other pair's inputs zeroed (the paper's main result uses 2000×4).`,
    `Pre-training: ${c.pretrain.steps} steps, Adam lr ${c.pretrain.lr}${c.pretrain.finalLrFactor !== 1 ? ` decaying linearly to ${formatNumber(c.pretrain.lr * c.pretrain.finalLrFactor)}` : ''}, batch ${c.pretrain.batchSize}.`,
    `Masks: ${c.mask.steps} steps per stage (paper: 20k), β = ${c.mask.beta}, K = ${c.mask.samples} samples, fresh samples for each pair's pass (as the official FF interface); biases are not masked.`,
    "The pair stages restrict the loss to one pair; since each pass carries one pair only, the other pair's pass is not run at all in that stage.",
    'Columns "¬Pair 1 (I/O from Full)" and "¬Pair 2 (I/O from Full)" are the paper\'s "first full mask" variant: the input and output layers take the control mask, only the hidden layers are inverted.',
    "Copy-weight control: after pre-training, pair 1's first-layer input rows and last-layer output columns and biases are overwritten with pair 2's; then the pair masks are trained again.",
  ],
};
