// Quirk Q1 (docs/method.md §9), measured: the official code clips the mask
// gradients together with the frozen weights' accumulated gradients, an
// uncontrolled scaling of the mask learning signal. Each seed pre-trains the
// add/mul and the double-addition network of the quick experiments once, then
// trains the control mask and the two compared masks twice on it: with our
// clean clipping (over the mask logits only) and with the faithful one. The
// difference in the quantities the headline claims rest on is the result.
import type { LayerInfo, MaskInfo } from '../artifacts/schema.ts';
import {
  quantityOf,
  SWEEP_MASKS,
  SWEEP_TASKS,
  sweepLayerId,
  sweepPoints,
  sweepVariant,
  type ClipMode,
  type SweepPoint,
  type SweepQuantity,
  type SweepTask,
} from '../analysis/width-sweep.ts';
import { mean } from '../analysis/stats.ts';
import { pretrainForSeed } from '../masking/mlp-stages.ts';
import type { MaskStageConfig } from '../masking/train-mask-stage.ts';
import { layerShapes } from '../models/mlp.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import type { PretrainConfig } from '../train/pretrain-mlp.ts';
import { addMul } from './add-mul.ts';
import { probeMasks, sizesOf, TASK_DATA } from './arithmetic-probe.ts';
import { doubleAdd } from './double-add.ts';
import type { Experiment, ExperimentProfiles, JobContext, SeedOutput } from './experiment.ts';
import { finding, knownNotToHoldAt, type Declared } from './finding-helpers.ts';

export interface ClipFidelityConfig {
  seeds: number[];
  /** Per task: the network, pre-training and mask stages of its own experiment at this profile. */
  tasks: Record<SweepTask, { hidden: number[]; pretrain: PretrainConfig; mask: MaskStageConfig }>;
}

const CLIPS: ClipMode[] = ['clean', 'faithful'];

function clipProfile(seeds: number[], profile: 'ci' | 'quick' | 'paper'): ClipFidelityConfig {
  const of = (c: { hidden: number[]; pretrain: PretrainConfig; mask: MaskStageConfig }) => ({ hidden: c.hidden, pretrain: c.pretrain, mask: c.mask });
  return { seeds, tasks: { 'add-mul': of(addMul.profiles[profile]!), 'double-add': of(doubleAdd.profiles[profile]!) } };
}

const profiles: ExperimentProfiles<ClipFidelityConfig> = {
  ci: clipProfile([1, 2], 'ci'),
  // One seed (about 17 min of compute: the faithful stages take 1.7× the clean ones), to keep quick within its
  // 2.5 hours; long repeats it with three.
  quick: clipProfile([1], 'quick'),
  long: clipProfile([1, 2, 3], 'quick'),
  paper: clipProfile([1, 2, 3, 4, 5], 'paper'),
};

const width = (c: ClipFidelityConfig, task: SweepTask) => c.tasks[task].hidden[0];
const depth = (c: ClipFidelityConfig, task: SweepTask) => c.tasks[task].hidden.length;
const variantOf = (c: ClipFidelityConfig, task: SweepTask, clip: ClipMode) => sweepVariant(task, width(c, task), depth(c, task), clip);
/** Both clipping modes train on the same network: the layer ids carry the task and width only. */
const layerIdsOf = (c: ClipFidelityConfig, task: SweepTask) =>
  layerShapes(sizesOf(task, width(c, task), depth(c, task))).map((_, l) => sweepLayerId(sweepVariant(task, width(c, task), depth(c, task)), l));

function runSeed(ctx: JobContext, c: ClipFidelityConfig, seed: number, part: string | null): SeedOutput {
  if (part !== 'add-mul' && part !== 'double-add') throw new Error(`not a part of the clipping comparison: ${part}`);
  const task: SweepTask = part;
  const t = c.tasks[task];
  const sizes = sizesOf(task, width(c, task), depth(c, task));
  const shapes = layerShapes(sizes);
  const timer = new StageTimer(ctx.now);
  const pre = pretrainForSeed(ctx, timer, sizes, t.pretrain, seed, TASK_DATA[task].all, `${task}/pretrain`);
  const runs = CLIPS.map((clip) =>
    probeMasks(ctx, timer, pre, {
      task,
      variant: variantOf(c, task, clip),
      layerIds: layerIdsOf(c, task),
      shapes,
      seed,
      control: true,
      mask: clip === 'faithful' ? { ...t.mask, clip: 'faithful' } : t.mask,
    }),
  );
  const variant = sweepVariant(task, width(c, task), depth(c, task));
  return {
    seed,
    pretrain: TASK_DATA[task].evalSets().map((s) => ({
      seed,
      variant,
      evalSet: s.evalSet,
      steps: t.pretrain.steps,
      finalLoss: pre.finalLoss,
      accuracy: runs[0].accuracy.find((r) => r.column === 'unmasked' && r.evalSet === s.evalSet)!.accuracy,
    })),
    accuracy: runs.flatMap((r) => r.accuracy),
    weightsKept: runs.flatMap((r) => r.weightsKept),
    overlap: runs.flatMap((r) => r.overlap),
    masks: runs.flatMap((r) => r.masks),
    confusion: [],
    histograms: [],
    stages: timer.stages,
  };
}

// The threshold was declared before the first run of this comparison; that run (quick, seed 1) showed the
// faithful clipping moving the quantities by more, so the check is marked not expected since (threshold unchanged).
const DECLARED: Declared = {
  at: '2026-12-01T21:06:00Z',
  afterSeeing:
    'declared expected before the first quick run (seed 1); that run showed the faithful clipping pruning more and sharing less, so the check is kept with its threshold and marked not expected at quick and long (thresholds unchanged)',
};
const Q1_MATTERS =
  "measured on the first quick run (seed 1): under the faithful clipping the masks keep fewer weights (add/mul 24.7% → 22.4%, double addition 18.9% → 14.9%) and share less (hidden IoU .60 → .52 and .63 → .56), and the ¬Pair cells rise from 4% to 13%. The official code's clipping moves every quantity towards the paper's claims; one seed, so the size of the move is what the long profile (three seeds) measures.";
/** How far the faithful clipping may move a quantity (mean over seeds) for it to count as making no difference. */
const SAME_WITHIN = 0.05;

const QUANTITIES: Record<SweepTask, { q: SweepQuantity; label: string }[]> = {
  'add-mul': [
    { q: 'totalShared', label: 'total shared' },
    { q: 'hiddenIou', label: 'hidden IoU' },
    { q: 'keptFraction', label: 'kept' },
  ],
  'double-add': [
    { q: 'hiddenIou', label: 'hidden IoU' },
    { q: 'invertedOnOther', label: '¬Pair cells' },
    { q: 'keptFraction', label: 'kept' },
  ],
};

function meanOf(points: SweepPoint[], task: SweepTask, clip: ClipMode, q: SweepQuantity): number {
  return mean(points.filter((p) => p.task === task && p.clip === clip).map((p) => quantityOf(p, q)));
}

export const clipFidelity: Experiment<ClipFidelityConfig> = {
  id: 'clip-fidelity',
  title: 'Clipping as the official code does it: does it change the results?',
  question:
    "The official code clips the mask gradients together with the frozen weights' accumulated gradients, which scales the masks' learning signal by a norm they do not control. Trained both ways on the same add/mul and double-addition networks, do the masks differ in what the headline claims rest on?",
  profiles,
  dataVariant: () => 'generated: the add/mul and double-addition data of those experiments (operands 0–99, uniform; evaluation on all 10,000 operand pairs)',
  dataVersion: 'clip-fidelity-data-v1',
  masks: (c): MaskInfo[] =>
    SWEEP_TASKS.flatMap((task) =>
      CLIPS.flatMap((clip) => [
        { id: 'control', label: 'Full', trainedOn: 'all of the task (the control mask)', variant: variantOf(c, task, clip) },
        ...SWEEP_MASKS[task].map((m) => ({
          id: m.id,
          label: m.label,
          variant: variantOf(c, task, clip),
          trainedOn: task === 'add-mul' ? `${m.label} examples only` : `loss on ${m.label.toLowerCase()}'s outputs only`,
        })),
      ]),
    ),
  layers: (c): LayerInfo[] =>
    SWEEP_TASKS.flatMap((task) =>
      layerShapes(sizesOf(task, width(c, task), depth(c, task))).map(([i, o], l, shapes) => ({
        id: layerIdsOf(c, task)[l],
        label: `${task}, layer ${l + 1} (${i}→${o})`,
        shape: [i, o],
        role: l === 0 ? 'input layer' : l === shapes.length - 1 ? 'output layer' : 'hidden layer',
      })),
    ),
  pictures: [],
  parts: (c) => SWEEP_TASKS.map((task) => ({ id: task, cost: c.tasks[task].pretrain.steps + 6 * c.tasks[task].mask.steps })),
  runSeed,
  findings(a) {
    const points = sweepPoints(a.tables);
    return SWEEP_TASKS.map((task) => {
      const deltas = QUANTITIES[task].map(({ q, label }) => ({
        label,
        clean: meanOf(points, task, 'clean', q),
        faithful: meanOf(points, task, 'faithful', q),
      }));
      return finding({
        id: `${task}-faithful-clipping-changes-little`,
        kind: 'check',
        declared: DECLARED,
        claim: `${task === 'add-mul' ? 'Add/mul' : 'Double addition'}: the faithful clipping moves each quantity a headline claim rests on by at most ${SAME_WITHIN} (mean over seeds), so our clean choice does not decide the verdicts.`,
        paper: "The official code's clipping: the mask gradients are clipped together with the frozen weights' accumulated gradients.",
        evidence: Object.fromEntries(
          deltas.flatMap((d) => [
            [`${d.label}, clean`, d.clean],
            [`${d.label}, faithful`, d.faithful],
          ]),
        ),
        holds: deltas.every((d) => Math.abs(d.faithful - d.clean) <= SAME_WITHIN),
        notExpected: knownNotToHoldAt(a, ['quick', 'long'], Q1_MATTERS),
      });
    });
  },
  references: [
    {
      source: 'Reference notes (docs/method.md §9, Q1)',
      quantity: 'what the official code does',
      value: 'weight gradients never zeroed during mask training; clip_grad_norm_ over weights and masks together',
    },
  ],
  notes: (c) => [
    `Networks: add/mul ${sizesOf('add-mul', width(c, 'add-mul'), depth(c, 'add-mul')).join('→')}, double addition ${sizesOf('double-add', width(c, 'double-add'), depth(c, 'double-add')).join('→')}, the quick experiments' own (same pre-training, seeds and stage settings: ${c.tasks['add-mul'].mask.steps}- and ${c.tasks['double-add'].mask.steps}-step stages).`,
    'Per seed and task: one pre-training, then the control mask and the two compared masks, in that order (the official order, which matters under the faithful clipping: the accumulated gradients run on from stage to stage), once with each clipping.',
    "Faithful: the frozen weights' and biases' gradients start from the pre-training's last (clipped) gradient, accumulate every mask step's (dLoss/dW_eff ⊙ m), enter the global norm with the mask gradients and are rescaled by the clipping in place, as torch.nn.utils.clip_grad_norm_ does. Clean: the norm covers the mask gradients only.",
    `The check counts a difference as none when each quantity's mean over seeds moves by at most ${SAME_WITHIN}.`,
  ],
};
