// Experiment A of the paper (docs/method.md §2): addition vs multiplication.
// One network computes (a + b) mod 100 and (a · b) mod 100; a mask trained on
// + data alone and one trained on × data alone show whether the two functions
// live on separable weights (P_specialize).
import type { LayerInfo } from '../artifacts/schema.ts';
import { accuracyTable, type MaskColumn } from '../analysis/accuracy-table.ts';
import { sigmoidHistogram } from '../analysis/logit-histogram.ts';
import { mlpCurveRecorder } from '../analysis/mlp-curve.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { opConfusionRows } from '../analysis/op-confusion.ts';
import { ADD_MUL_INPUTS, ADD_MUL_OUTPUTS, addMulBatch, addMulEvalSet, OP_SYMBOL, OPS, type Op } from '../data/add-mul-data.ts';
import { binarize, invert } from '../masking/binary-mask.ts';
import { pretrainForSeed, trainStages } from '../masking/mlp-stages.ts';
import { layerShapes } from '../models/mlp.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import { mlpConfigWords, mlpProfiles, type MlpTaskConfig } from './mlp-profiles.ts';
import { mlpStepFlops } from '../models/flops.ts';
import { pretrainThenMasks, type Experiment, type SeedOutput } from './experiment.ts';
import {
  controlKeepsPerformance,
  controlNearBinary,
  finding,
  knownNotToHoldAt,
  meanAccuracy,
  meanOverlap,
  meanTotalKept,
  pretrainedSolves,
  SHORT_STAGES,
  type Declared,
} from './finding-helpers.ts';
import { formatNumber } from './format-number.ts';

export type AddMulConfig = MlpTaskConfig;

// × is the hard part: at 256×4 and 6k steps it is only ~50–90% learned; 384×4
// with 8k steps and a decaying learning rate reaches 100% on both ops (measured here).
const profiles = mlpProfiles({ beta: 1e-4, quickHidden: 384, quickPretrainSteps: 8000 });

/** The mask stages: each trains on its own op subset only. */
export const ADD_MUL_STAGES: { id: string; label: string; ops: Op[]; trainedOn: string }[] = [
  { id: 'control', label: 'Full', ops: OPS, trainedOn: 'all training data (both ops): the control mask' },
  { id: 'add', label: '+', ops: ['add'], trainedOn: 'addition examples only' },
  { id: 'mul', label: '×', ops: ['mul'], trainedOn: 'multiplication examples only' },
];

/**
 * Measured while sizing the quick profile (seed 2, 384×4): the control mask loses
 * 2–3 points after 2k steps, and under *sampled* masks the network is only at
 * ~70–80% on ×, i.e. mask training has not converged. Longer stages (4k, 6k
 * steps), a smaller β (2e-5, 5e-5), a larger mask batch (256), K = 2 and a
 * 512×4 network did not bring × within 2 points. The issue's PyTorch reference
 * run shows the same below 512×4 with 20k-step stages.
 */
// When each expectation was declared (commit times); see finding-helpers.ts Declared.
const DECLARED: Declared = { at: '2026-11-26T00:04:33Z' };
const CONTROL_DECLARED: Declared = {
  at: '2026-11-26T00:56:06Z',
  afterSeeing: 'declared not expected at quick after the sizing runs of the quick profile showed the control mask 2–3 points down (thresholds unchanged)',
};
const BINARY_DECLARED: Declared = {
  at: '2026-11-26T00:49:07Z',
  afterSeeing: 'declared not expected at quick after the first quick runs showed σ(logit) not yet bimodal (threshold unchanged)',
};
const CHANCE_DECLARED: Declared = {
  at: '2026-12-01T17:15:00Z',
  afterSeeing:
    "changed after the published run: the comparison used raw IoU, and the input layer's .92 sits close to its chance level .88 (dense masks overlap by chance); it now compares the excess over chance, and with it the claim fails at quick, so it is declared not expected there",
};
const IO_NOT_ABOVE_CHANCE =
  "measured on the published quick run (384×4, 2k mask steps): judged against chance, the input layer's overlap (IoU .92, chance .88: excess .32) is below every hidden layer's (.48–.58); the masks keep 22–29% of the weights, so the hidden layers still share much. A one-seed probe of this project at 1024×4 gave hidden IoU .34–.40 with all raw-IoU findings holding; the long and paper profiles decide it.";

/**
 * The long profile (quick's 384×4 network, the paper's 20k-step stages, 3 seeds) was expected to reproduce
 * everything; its first run did not hold three of the findings. They keep their thresholds and are marked
 * here with what the run measured.
 */
const LONG_RUN_SEEN: Declared = {
  at: '2026-12-02T08:25:00Z',
  afterSeeing:
    'declared expected before the first long run (384×4, 20k-step stages, 3 seeds); that run did not hold it, so it is marked not expected at long with what the run measured (thresholds unchanged)',
};
const LONG_CONTROL =
  'measured on the first long run (20k-step stages): the control mask keeps + at 99.99% but × at 97.5%, 2.5 points down against the 2-point bound; at quick it was 2–3 points. Stage length alone does not close it; the PyTorch reference run needed 512×4.';
const LONG_IO =
  'measured on the first long run (20k-step stages): the + and × masks now share little anywhere (hidden IoU .10/.12/.16 against .60/.52/.63 at quick), and judged by the excess over chance the input layer (.09) is below the deepest hidden layer (.15), the output layer (.41) above all. The hidden-layer part of the claim holds; the input layer is the exception.';
const LONG_BINARY =
  'measured on the first long run (20k-step stages): 89.4% of the control mask’s σ(logit) mass is within 0.05 of 0 or 1, against the 90% bound (quick: lower); longer stages move it towards the paper’s near-binary masks but not past the bound.';

const CONTROL_NOT_CONVERGED =
  'measured at quick scale (384×4, 2k mask steps): the control mask loses 2–3 points, mostly on ×; under sampled masks the network is at ~70–80% on ×, so mask training has not converged. Longer stages (4k–6k steps), β of 2e-5 or 5e-5, a mask batch of 256, K = 2 and a 512×4 network did not close the gap; the PyTorch reference run needs 512×4 with 20k-step stages.';

function sizesOf(c: AddMulConfig): number[] {
  return [ADD_MUL_INPUTS, ...c.hidden, ADD_MUL_OUTPUTS];
}

function layerIds(c: AddMulConfig): string[] {
  return layerShapes(sizesOf(c)).map((_, l) => `layer${l + 1}`);
}

function runSeed(ctx: Parameters<Experiment<AddMulConfig>['runSeed']>[0], c: AddMulConfig, seed: number): SeedOutput {
  const timer = new StageTimer(ctx.now);
  const ids = layerIds(c);
  const pre = pretrainForSeed(ctx, timer, sizesOf(c), c.pretrain, seed, (rng, n) => addMulBatch(rng, n, OPS));
  const sets = OPS.map((op) => ({ op, set: addMulEvalSet(op) }));
  const evalSets = sets.map((s) => ({ evalSet: OP_SYMBOL[s.op], pass: s.set.pass }));
  const curve = mlpCurveRecorder(pre.params, evalSets, c.curve, { seed, variant: 'normal', layers: ids, compare: [['add', 'mul']] });
  const logits = trainStages(
    ctx,
    timer,
    pre.params,
    c.mask,
    seed,
    ADD_MUL_STAGES.map((s) => ({ id: s.id, sample: (rng, n) => addMulBatch(rng, n, s.ops) })),
    'normal',
    curve,
    pre.lastGrad,
  );
  const masks = new Map([...logits].map(([id, l]) => [id, l.map(binarize)]));
  const m = (id: string) => masks.get(id)!;

  const columns: MaskColumn[] = [
    { column: 'unmasked', masks: null },
    { column: 'Full', masks: m('control') },
    { column: '+', masks: m('add') },
    { column: '¬+', masks: m('add').map(invert) },
    { column: '×', masks: m('mul') },
    { column: '¬×', masks: m('mul').map(invert) },
  ];
  const table = accuracyTable(pre.params, columns, evalSets, seed, 'normal');
  const confusion = ['Full', '+', '×'].flatMap((column) =>
    sets.flatMap(({ op, set }) => opConfusionRows(seed, column, OP_SYMBOL[op], table.predictions.get(column)!.get(OP_SYMBOL[op])!, set.pass.n, set.a, set.b)),
  );

  return {
    seed,
    pretrain: sets.map(({ op }) => ({
      seed,
      variant: 'normal',
      evalSet: OP_SYMBOL[op],
      steps: c.pretrain.steps,
      finalLoss: pre.finalLoss,
      accuracy: table.rows.find((r) => r.column === 'unmasked' && r.evalSet === OP_SYMBOL[op])!.accuracy,
    })),
    accuracy: table.rows,
    weightsKept: ADD_MUL_STAGES.flatMap((s) => weightsKeptRows(seed, 'normal', s.id, ids, m(s.id))),
    overlap: overlapRows(seed, 'normal', 'add', 'mul', ids, m('add'), m('mul')),
    confusion,
    histograms: ADD_MUL_STAGES.map((s) => ({ mask: s.id, counts: sigmoidHistogram(logits.get(s.id)!, c.histogramBins) })),
    masks: ADD_MUL_STAGES.flatMap((s) => maskRecords('normal', s.id, ids, layerShapes(sizesOf(c)), m(s.id))),
    curve: curve.rows,
    stages: timer.stages,
  };
}

export const addMul: Experiment<AddMulConfig> = {
  id: 'add-mul',
  title: 'Addition vs multiplication: do two functions use separate weights?',
  question:
    'A network learns (a + b) mod 100 and (a · b) mod 100 from one input format. Masks trained on + alone and × alone show whether the two operations live on separable weights (P_specialize).',
  profiles,
  dataVariant: () => 'generated: operands 0–99, uniform, sampled on the fly; evaluation on all 10,000 operand pairs per op',
  dataVersion: 'add-mul-data-v1',
  masks: () => ADD_MUL_STAGES.map((s) => ({ id: s.id, label: s.label, trainedOn: s.trainedOn, variant: 'normal' })),
  layers: (c): LayerInfo[] =>
    layerShapes(sizesOf(c)).map(([i, o], l, all) => ({
      id: `layer${l + 1}`,
      label: `Layer ${l + 1} (${i}→${o})`,
      shape: [i, o],
      role: l === 0 ? 'input layer: rows = one-hot digits and op' : l === all.length - 1 ? 'output layer: columns = 2 digits × 10 classes' : 'hidden layer',
    })),
  pictures: [{ variant: 'normal', a: 'add', b: 'mul' }],
  stages: (c) =>
    pretrainThenMasks(
      c.pretrain.steps,
      ADD_MUL_STAGES.map((s) => ({ stage: s.id, cost: c.mask.steps })),
    ),
  // One pass per step, pre-training and each of the three stages.
  work: (c) => ({
    units: c.seeds.length * mlpStepFlops(sizesOf(c), 1) * (c.pretrain.steps * c.pretrain.batchSize + ADD_MUL_STAGES.length * c.mask.steps * c.mask.batchSize),
    what: mlpConfigWords(c),
  }),
  runSeed,
  findings(a, c) {
    const ids = layerIds(c);
    const long = a.provenance.profile === 'long';
    const acc = (column: string, set: string) => meanAccuracy(a, 'normal', column, set);
    // Dense masks overlap a lot by chance alone (layer 1: IoU .92 against .88 by chance), so overlap is judged by its excess over chance.
    const excess = ids.map((id) => {
      const chance = meanOverlap(a, 'normal', id, 'chanceIou');
      return chance >= 1 ? 0 : (meanOverlap(a, 'normal', id, 'iou') - chance) / (1 - chance);
    });
    const kept = { add: meanTotalKept(a, 'normal', 'add'), mul: meanTotalKept(a, 'normal', 'mul') };
    return [
      pretrainedSolves(
        a,
        'pretrained-solves-both',
        'solves both operations',
        [
          { evalSet: '+', label: '+' },
          { evalSet: '×', label: '×' },
        ],
        DECLARED,
      ),
      controlKeepsPerformance(
        a,
        ' (trained on all data)',
        [
          { evalSet: '+', label: '+' },
          { evalSet: '×', label: '×' },
        ],
        long ? LONG_RUN_SEEN : CONTROL_DECLARED,
        knownNotToHoldAt(a, ['quick'], CONTROL_NOT_CONVERGED) ?? knownNotToHoldAt(a, ['long'], LONG_CONTROL),
      ),
      finding({
        id: 'add-mask-keeps-add-loses-mul',
        kind: 'claim',
        declared: DECLARED,
        claim: 'The + mask keeps + (≥ 90%) and loses × (≤ 20%).',
        paper: 'The + mask keeps addition and performs poorly on multiplication.',
        evidence: { '+ mask on +': acc('+', '+'), '+ mask on ×': acc('+', '×') },
        holds: acc('+', '+') >= 0.9 && acc('+', '×') <= 0.2,
      }),
      finding({
        id: 'mul-mask-keeps-mul-loses-add',
        kind: 'claim',
        declared: DECLARED,
        claim: 'The × mask keeps × (≥ 90%) and loses + (≤ 20%).',
        paper: 'Symmetrically, the × mask keeps multiplication and performs poorly on addition.',
        evidence: { '× mask on ×': acc('×', '×'), '× mask on +': acc('×', '+') },
        holds: acc('×', '×') >= 0.9 && acc('×', '+') <= 0.2,
      }),
      finding({
        id: 'inverted-masks-break-own-op',
        kind: 'claim',
        declared: DECLARED,
        claim: 'Each inverted mask breaks its own operation: ¬+ on + ≤ 20% and ¬× on × ≤ 20%.',
        paper: 'The inverted masks break the operation they were trained for.',
        evidence: { '¬+ on +': acc('¬+', '+'), '¬× on ×': acc('¬×', '×'), '¬+ on ×': acc('¬+', '×'), '¬× on +': acc('¬×', '+') },
        holds: acc('¬+', '+') <= 0.2 && acc('¬×', '×') <= 0.2,
      }),
      finding({
        id: 'mul-needs-more-weights',
        kind: 'claim',
        declared: DECLARED,
        claim: 'The × mask keeps more weights than the + mask (summed over layers).',
        paper: '× needs many more weights than + (the weight-count plot prints the ratio).',
        evidence: { '× weights': kept.mul, '+ weights': kept.add, 'ratio ×/+': kept.mul / kept.add },
        holds: kept.mul > kept.add,
      }),
      finding({
        id: 'sharing-highest-at-io',
        kind: 'claim',
        claim:
          'The + and × masks overlap more in the input and output layers than in any hidden layer, judged by the excess over chance: (IoU − chance) / (1 − chance), per layer.',
        paper: 'IoU between the + and × masks is high mainly in the input and output layers (shared I/O) and low in the hidden layers.',
        evidence: {
          ...Object.fromEntries(ids.map((id) => [`IoU ${id}`, meanOverlap(a, 'normal', id, 'iou')])),
          ...Object.fromEntries(ids.map((id) => [`IoU by chance ${id}`, meanOverlap(a, 'normal', id, 'chanceIou')])),
          ...Object.fromEntries(ids.map((id, i) => [`excess over chance ${id}`, excess[i]])),
        },
        holds: Math.min(excess[0], excess[excess.length - 1]) > Math.max(...excess.slice(1, -1)),
        notExpected: knownNotToHoldAt(a, ['quick'], IO_NOT_ABOVE_CHANCE) ?? knownNotToHoldAt(a, ['long'], LONG_IO),
        declared: long ? LONG_RUN_SEEN : CHANCE_DECLARED,
      }),
      controlNearBinary(a, long ? LONG_RUN_SEEN : BINARY_DECLARED, knownNotToHoldAt(a, ['quick'], SHORT_STAGES) ?? knownNotToHoldAt(a, ['long'], LONG_BINARY)),
    ];
  },
  references: [
    {
      source: 'PyTorch run of the same method on this machine, 512×4, 20k steps, 1 seed',
      quantity: 'accuracy: control / + mask / × mask on (+, ×)',
      value: 'control 100/100; + mask 100 / 1.5; × mask 1.8 / 100',
    },
    { source: 'PyTorch run of the same method on this machine, 512×4', quantity: 'IoU per layer (+ vs ×), layers 1–5', value: '.90 .40 .32 .42 .78' },
    { source: 'Paper (figure axis limits, weak hint)', quantity: 'weights kept per layer, FNN 2000×4', value: '≤ ~2.2×10⁴ per layer' },
    {
      source: 'Paper',
      quantity: 'accuracy table (+, ×; Full, +, ¬+, ×, ¬×)',
      value: 'numeric values not available to this reproduction; only the qualitative claims',
    },
  ],
  notes: (c) => [
    `Network: FNN ${[ADD_MUL_INPUTS, ...c.hidden, ADD_MUL_OUTPUTS].join('→')} (the paper's main result uses 2000×4).`,
    `Pre-training: ${c.pretrain.steps} steps, Adam lr ${c.pretrain.lr}${c.pretrain.finalLrFactor !== 1 ? ` decaying linearly to ${formatNumber(c.pretrain.lr * c.pretrain.finalLrFactor)}` : ''}, batch ${c.pretrain.batchSize} (paper: 20k steps at constant 1e-3).`,
    `Masks: ${c.mask.steps} steps per stage (paper: 20k), β = ${c.mask.beta}, K = ${c.mask.samples} samples, mask lr ${c.mask.lr}, logits initialised at ${c.mask.logitInit}; biases are not masked.`,
    'Each stage trains on its own op subset (the official code had a closure bug in Oct 2020–Feb 2021 that trained both the + and × stages on × data; we use the fixed semantics).',
    'Gradient clipping covers the mask logits only ("clean"); the official code also folded accumulated weight gradients into the norm, an uncontrolled learning-rate decay (see the Differences page: gradient clipping).',
    'Evaluation uses all 10,000 operand pairs per op; the paper used a random 10k-row validation set drawn from the same 20,000-point input space.',
  ],
};
