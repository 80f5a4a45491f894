// The two masks a headline claim of the arithmetic tasks compares (+ and ×;
// pair 1 and pair 2), trained on one frozen network and tabled the same way
// wherever they are needed beside the main experiments: the width sweep (one
// network per width) and the clipping comparison (one network, two ways of
// clipping). Optionally with the control mask first, as the official code
// orders its stages (which matters when stages share state: quirk Q1).
import type { AccuracyRow, OverlapRow, WeightsKeptRow } from '../artifacts/schema.ts';
import { accuracyTable, type EvalSet, type MaskColumn } from '../analysis/accuracy-table.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { SWEEP_MASKS, type SweepTask } from '../analysis/width-sweep.ts';
import { ADD_MUL_INPUTS, ADD_MUL_OUTPUTS, addMulBatch, addMulEvalSet, OPS } from '../data/add-mul-data.ts';
import { DOUBLE_ADD_INPUTS, DOUBLE_ADD_OUTPUTS, doubleAddBatch, doubleAddEvalPass, PAIRS } from '../data/double-add-data.ts';
import { binarize, invert } from '../masking/binary-mask.ts';
import { trainStages, type BatchSampler, type PretrainOutcome } from '../masking/mlp-stages.ts';
import type { MaskStageConfig } from '../masking/train-mask-stage.ts';
import type { StageTimer } from '../runtime/stage-timer.ts';
import type { JobContext, SeedMask } from './experiment.ts';

const IO: Record<SweepTask, { inputs: number; outputs: number }> = {
  'add-mul': { inputs: ADD_MUL_INPUTS, outputs: ADD_MUL_OUTPUTS },
  'double-add': { inputs: DOUBLE_ADD_INPUTS, outputs: DOUBLE_ADD_OUTPUTS },
};

/** What each mask trains on, and the evaluation sets. */
export const TASK_DATA: Record<SweepTask, { all: BatchSampler; stage: Record<string, BatchSampler>; evalSets: () => EvalSet[] }> = {
  'add-mul': {
    all: (rng, n) => addMulBatch(rng, n, OPS),
    stage: { add: (rng, n) => addMulBatch(rng, n, ['add']), mul: (rng, n) => addMulBatch(rng, n, ['mul']) },
    evalSets: () => OPS.map((op) => ({ evalSet: op === 'add' ? '+' : '×', pass: addMulEvalSet(op).pass })),
  },
  'double-add': {
    all: (rng, n) => doubleAddBatch(rng, n, PAIRS),
    stage: { pair1: (rng, n) => doubleAddBatch(rng, n, [0]), pair2: (rng, n) => doubleAddBatch(rng, n, [1]) },
    evalSets: () => PAIRS.map((pair) => ({ evalSet: `Pair ${pair + 1}`, pass: doubleAddEvalPass(pair) })),
  },
};

export const sizesOf = (task: SweepTask, width: number, depth: number) => [IO[task].inputs, ...Array(depth).fill(width), IO[task].outputs];

export interface ProbeRows {
  accuracy: AccuracyRow[];
  weightsKept: WeightsKeptRow[];
  overlap: OverlapRow[];
  masks: SeedMask[];
}

/**
 * Trains the task's two compared masks (after the control mask "control",
 * labelled Full, when `control`) on the frozen pre-trained network, and tables
 * them: accuracy of the unmasked network, of each mask and its inverse on each
 * evaluation set; weights kept; the two masks' overlap; the masks.
 */
export function probeMasks(
  ctx: JobContext,
  timer: StageTimer,
  pre: PretrainOutcome,
  o: { task: SweepTask; variant: string; layerIds: string[]; shapes: number[][]; mask: MaskStageConfig; seed: number; control: boolean },
): ProbeRows {
  const data = TASK_DATA[o.task];
  const [a, b] = SWEEP_MASKS[o.task];
  const stages = [...(o.control ? [{ id: 'control', sample: data.all }] : []), ...[a, b].map((m) => ({ id: m.id, sample: data.stage[m.id] }))];
  const logits = trainStages(ctx, timer, pre.params, o.mask, o.seed, stages, o.variant, undefined, pre.lastGrad);
  const m = (id: string) => logits.get(id)!.map(binarize);
  const [ma, mb] = [m(a.id), m(b.id)];
  const mc = o.control ? m('control') : null;
  const columns: MaskColumn[] = [
    { column: 'unmasked', masks: null },
    ...(mc ? [{ column: 'Full', masks: mc }] : []),
    { column: a.label, masks: ma },
    { column: `¬${a.label}`, masks: ma.map(invert) },
    { column: b.label, masks: mb },
    { column: `¬${b.label}`, masks: mb.map(invert) },
  ];
  const table = accuracyTable(pre.params, columns, data.evalSets(), o.seed, o.variant);
  const kept = [...(mc ? [{ id: 'control', masks: mc }] : []), { id: a.id, masks: ma }, { id: b.id, masks: mb }];
  return {
    accuracy: table.rows,
    weightsKept: kept.flatMap((k) => weightsKeptRows(o.seed, o.variant, k.id, o.layerIds, k.masks)),
    overlap: overlapRows(o.seed, o.variant, a.id, b.id, o.layerIds, ma, mb),
    masks: kept.flatMap((k) => maskRecords(o.variant, k.id, o.layerIds, o.shapes, k.masks)),
  };
}
