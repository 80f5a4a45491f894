// Experiment C of the paper (docs/method.md §4): transfer and weight sharing on
// permuted MNIST. Tasks (pixel permutations) are learned one after another;
// weights that an earlier task's mask used stay frozen but may be reused, the
// first layer is fresh for every task, and weights and masks are trained
// together. Per layer, the share of each new task's mask that lands on weights
// earlier tasks used shows how much is reused — three ways of initialising the
// new weights' mask logits (2, 0, −1) make reuse cheaper and cheaper.
//
// One seed's work is one job per initialisation variant.
import type { AccuracyRow, LayerInfo, OverlapRow, PretrainRow, WeightsKeptRow } from '../artifacts/schema.ts';
import { accuracyOf, disposeWeights, predictPass, uploadMasked } from '../analysis/evaluate-mlp.ts';
import { maskRecords, overlapRows, weightsKeptRows } from '../analysis/mask-tables.ts';
import { mean, sampleStd, select } from '../analysis/stats.ts';
import {
  loadPermutedMnist,
  MNIST_CLASSES,
  MNIST_INPUTS,
  permutedBatch,
  permutedPass,
  taskPermutation,
  type PermutedMnist,
} from '../data/images/permuted-mnist-data.ts';
import { binarize, type BinaryMask } from '../masking/binary-mask.ts';
import { uploadFrozen } from '../masking/frozen-mlp.ts';
import { MaskTrainer, type MaskStageConfig } from '../masking/train-mask-stage.ts';
import { layerShapes } from '../models/mlp.ts';
import { labelKey, mixKey, Rng } from '../runtime/rng.ts';
import { StageTimer } from '../runtime/stage-timer.ts';
import { TrailingMean } from '../train/trailing-mean.ts';
import type { Experiment, JobContext, SeedOutput, SeedMask } from './experiment.ts';
import { finding, knownNotToHoldAt, type Declared } from './finding-helpers.ts';

/** A task's stage: the mask stage's settings (one Adam lr for weights and logits; the logits' init is per element, see usedInit/newInits). */
export type TransferStageConfig = Omit<MaskStageConfig, 'logitInit' | 'clip'>;

export interface PermutedMnistConfig {
  seeds: number[];
  hidden: number[];
  /** Tasks learned in order: task index p = 0 … tasks − 1, shown as T(p + 1). */
  tasks: number;
  stage: TransferStageConfig;
  /** Mask-logit init of weights earlier tasks used. */
  usedInit: number;
  /** Mask-logit init of new weights: one job (variant) per value. */
  newInits: number[];
  /** Validation examples per task evaluation (a fixed prefix), or null for all. */
  validLimit: number | null;
}

const profiles: Record<'ci' | 'quick' | 'paper', PermutedMnistConfig> = {
  ci: {
    seeds: [1, 2],
    hidden: [24, 24, 8],
    tasks: 3,
    stage: { steps: 30, batchSize: 32, samples: 4, lr: 1e-2, beta: (0.00128 * 32) / 128, gradClip: 1 },
    usedInit: 2,
    newInits: [2, 0, -1],
    validLimit: 500,
  },
  // docs/method.md §12.3's proxy: 784-200-200-64-10, 6 tasks (T2, T4, T6 are the
  // plotted ones), 1k steps each instead of 30k; α = β / B kept at the paper's 1e-5.
  quick: {
    seeds: [1, 2, 3],
    hidden: [200, 200, 64],
    tasks: 6,
    stage: { steps: 1000, batchSize: 128, samples: 8, lr: 1e-2, beta: 0.00128, gradClip: 1 },
    usedInit: 2,
    newInits: [2, 0, -1],
    validLimit: 4000,
  },
  // transfer_sharing*.yaml: 784-800-800-64-10, 11 tasks of 30k steps, K = 8, 10 seeds.
  paper: {
    seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    hidden: [800, 800, 64],
    tasks: 11,
    stage: { steps: 30000, batchSize: 128, samples: 8, lr: 1e-2, beta: 0.00128, gradClip: 1 },
    usedInit: 2,
    newInits: [2, 0, -1],
    validLimit: null,
  },
};

/** Names in the artifact: the variant of a new-weight init, task p's label and mask id, the union of the masks before it. */
export const variantOf = (newInit: number) => `new-init ${newInit}`;
export const taskLabel = (p: number) => `T${p + 1}`;
export const usedBefore = (task: string) => `before ${task}`;

function sizesOf(c: PermutedMnistConfig): number[] {
  return [MNIST_INPUTS, ...c.hidden, MNIST_CLASSES];
}

function layerIds(c: PermutedMnistConfig): string[] {
  return layerShapes(sizesOf(c)).map((_, l) => `layer${l + 1}`);
}

/** Xavier-normal weights (gain √2 before a ReLU, 1 for the output layer), zero biases; order W₁, b₁, W₂, …. */
function xavierInit(sizes: number[], rng: Rng): Float32Array[] {
  const shapes = layerShapes(sizes);
  return shapes.flatMap(([i, o], l) => {
    const gain = l + 1 < shapes.length ? Math.SQRT2 : 1;
    const std = gain * Math.sqrt(2 / (i + o));
    return [Float32Array.from({ length: i * o }, () => std * rng.normal()), new Float32Array(o)];
  });
}

/** The dataset, from the job's data paths. */
function data(ctx: Pick<JobContext, 'data'>): PermutedMnist {
  if (!ctx.data) throw new Error('permuted-mnist reads MNIST: the job context needs its data paths (JobContext.data)');
  return loadPermutedMnist(ctx.data);
}

const or = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x | b[i]);

function runVariant(ctx: JobContext, c: PermutedMnistConfig, seed: number, newInit: number): SeedOutput {
  const d = data(ctx);
  const timer = new StageTimer(ctx.now);
  const sizes = sizesOf(c);
  const ids = layerIds(c);
  const variant = variantOf(newInit);
  const shapes = layerShapes(sizes);
  const validIdx = c.validLimit === null ? d.valid : d.valid.subarray(0, c.validLimit);
  let values = xavierInit(sizes, new Rng(seed, 'init'));
  let used = values.map((v) => new Uint8Array(v.length));
  const out = {
    pretrain: [] as PretrainRow[],
    accuracy: [] as AccuracyRow[],
    weightsKept: [] as WeightsKeptRow[],
    overlap: [] as OverlapRow[],
    masks: [] as SeedMask[],
  };
  for (let p = 0; p < c.tasks; p++) {
    const task = taskLabel(p);
    // Frozen: what earlier tasks used, except the first layer (fresh for every task).
    const frozen = used.map((u, j) => (j < 2 ? new Uint8Array(u.length) : u));
    const fresh = xavierInit(sizes, new Rng(seed, `init:${variant}:${task}`));
    const init = {
      values: values.map((v, j) => v.map((x, i) => (frozen[j][i] ? x : fresh[j][i]))),
      logits: frozen.map((f) => Float32Array.from(f, (x) => (x ? c.usedInit : newInit))),
      frozen,
    };
    const perm = taskPermutation(p);
    const rng = new Rng(seed, `data:${variant}:${task}`);
    const model = uploadFrozen(ctx.kernels, { sizes, W: shapes.map((_, l) => init.values[2 * l]), b: shapes.map((_, l) => init.values[2 * l + 1]) }, 'masked');
    const trainer = new MaskTrainer(ctx.kernels, model, { ...c.stage, logitInit: newInit }, mixKey(seed, labelKey(`${variant}:${task}`)), {
      trainValues: { frozen: init.frozen },
      initialLogits: init.logits,
    });
    const recent = new TrailingMean();
    let result: { values: Float32Array[]; logits: Float32Array[] };
    try {
      timer.run(`${variant}/${task}`, c.stage.steps, () => {
        for (let step = 1; step <= c.stage.steps; step++) {
          recent.push(trainer.step([permutedBatch(d, perm, rng, c.stage.batchSize)]));
          ctx.progress(`${variant}/${task}`, step, c.stage.steps);
        }
      });
      result = { values: trainer.currentValues(), logits: trainer.currentLogits() };
    } finally {
      trainer.dispose();
      model.dispose();
    }
    const masks: BinaryMask[] = result.logits.map(binarize);
    // Accuracy of this task under its own binary mask (biases masked too).
    const layers = uploadMasked(
      { sizes, W: shapes.map((_, l) => result.values[2 * l]), b: shapes.map((_, l) => result.values[2 * l + 1].map((b, i) => (masks[2 * l + 1][i] ? b : 0))) },
      shapes.map((_, l) => masks[2 * l]),
    );
    const pass = permutedPass(d, perm, validIdx);
    const accuracy = accuracyOf(predictPass(layers, MNIST_INPUTS, pass), pass);
    disposeWeights(layers);
    const weightMasks = shapes.map((_, l) => masks[2 * l]);
    out.accuracy.push({ seed, variant, column: task, evalSet: task, accuracy });
    out.pretrain.push({ seed, variant, evalSet: task, accuracy, steps: c.stage.steps, finalLoss: recent.mean });
    out.weightsKept.push(...weightsKeptRows(seed, variant, task, ids, weightMasks));
    // Sharing (the paper's metric): of this task's mask, the share on weights any earlier task used, first layer included.
    if (p > 0)
      out.overlap.push(
        ...overlapRows(
          seed,
          variant,
          task,
          usedBefore(task),
          ids,
          weightMasks,
          shapes.map((_, l) => used[2 * l]),
        ),
      );
    out.masks.push(...maskRecords(variant, task, ids, shapes, weightMasks));
    used = used.map((u, j) => or(u, masks[j]));
    values = result.values;
  }
  return { seed, ...out, confusion: [], histograms: [], stages: timer.stages };
}

/**
 * Measured on the quick profile (3 seeds, 1k steps per task): with new-init 0
 * the worst task reaches 87%, with −1 only 36% (the first task starts with
 * every weight switched off and keeps under 1% of its input layer). The
 * default init 2 reaches 95%.
 */
const PREFER_OLD_SHORT =
  'measured at quick scale (1k steps per task; the paper: 30k): masks whose new weights start at logit 0 or −1 switch on too few of them in 1k steps; the worst task reaches about 87% (new-init 0) and 36% (new-init −1, whose first task starts with every weight off and ends with under 1% of its input layer), against 95% with the default init 2. Their sharing curves are shown all the same: they say where the few weights each task switched on came from.';

type Artifact = Parameters<Experiment<PermutedMnistConfig>['findings']>[0];

/**
 * Mean over seeds of the shared fraction of a task's mask in one layer, and of
 * the share a random mask of any size would have by chance: |U| / N, the
 * density of the union U of the earlier masks (|U| = |a ∨ U| − |a| + |a ∧ U|,
 * with |a| from the weights-kept table). A seed whose mask kept nothing in the
 * layer (0/0, stored as 0) is left out and counted; if every seed's is empty,
 * both shares are reported as 0 (nothing reused) and `empty` says why.
 */
function sharing(a: Artifact, variant: string, task: string, layer: string): { shared: number; chance: number; empty: number } {
  const rows = a.tables.overlap.filter((r) => r.variant === variant && r.a === task && r.layer === layer);
  const total = a.tables.weightsKept.find((r) => r.variant === variant && r.mask === task && r.layer === layer)?.total ?? NaN;
  const kept = (r: (typeof rows)[number]) =>
    a.tables.weightsKept.find((w) => w.seed === r.seed && w.variant === variant && w.mask === task && w.layer === layer)?.kept ?? 0;
  const used = rows.filter((r) => kept(r) > 0);
  if (used.length === 0) return { shared: 0, chance: 0, empty: rows.length };
  return {
    shared: mean(used.map((r) => r.sharedOfA)),
    chance: mean(used.map((r) => (r.union - kept(r) + r.intersection) / total)),
    empty: rows.length - used.length,
  };
}

export const permutedMnist: Experiment<PermutedMnistConfig> = {
  id: 'permuted-mnist',
  title: 'Permuted MNIST: how much does a new task reuse?',
  question:
    "Tasks are learned one after another; weights an earlier task used are frozen but may be reused, and each task gets a fresh input layer. Per layer, the share of a new task's mask that lands on old weights measures reuse, for three initialisations of the new weights' mask logits.",
  profiles,
  dataVariant: (_c, paths) => data({ data: paths }).variant,
  dataVersion: 'permuted-mnist-v1',
  parts: (c) => c.newInits.map((v) => ({ id: `init${v}`, cost: 1.5 * c.tasks * c.stage.steps })),
  masks: (c) =>
    c.newInits.flatMap((v) =>
      Array.from({ length: c.tasks }, (_, p) => ({
        id: taskLabel(p),
        label: taskLabel(p),
        variant: variantOf(v),
        trainedOn: `task ${p + 1} (${p === 0 ? 'the original pixel order' : `pixel permutation ${p}`}), weights and mask together`,
      })),
    ),
  layers: (c): LayerInfo[] =>
    layerShapes(sizesOf(c)).map(([i, o], l, all) => ({
      id: `layer${l + 1}`,
      label: `Layer ${l + 1} (${i}→${o})`,
      shape: [i, o],
      role: l === 0 ? 'input layer, fresh for every task: rows = pixels' : l === all.length - 1 ? 'output layer: columns = 10 classes' : 'hidden layer',
    })),
  pictures: [],
  runSeed(ctx, c, seed, part) {
    const v = c.newInits.find((x) => part === `init${x}`);
    if (v === undefined) throw new Error(`unknown permuted-MNIST job part "${part}"`);
    return runVariant(ctx, c, seed, v);
  },
  findings(a, c) {
    const ids = layerIds(c);
    const later = ids.slice(1);
    const last = taskLabel(c.tasks - 1);
    const at = (v: number, layer: string) => sharing(a, variantOf(v), last, layer);
    // Worst task (mean over seeds) per variant: one task that failed must not hide in an average.
    const worst = c.newInits.map((v) =>
      Math.min(
        ...Array.from({ length: c.tasks }, (_, p) => mean(select(a.tables.accuracy, { variant: variantOf(v), column: taskLabel(p) }, (r) => r.accuracy))),
      ),
    );
    const spread = c.newInits.map((v) => sampleStd(select(a.tables.overlap, { variant: variantOf(v), a: last, layer: ids[1] }, (r) => r.sharedOfA)));
    const DECLARED: Declared = { at: '2026-11-26T03:20:00Z' };
    const AFTER_FIRST_RUN: Declared = {
      at: '2026-11-26T04:01:46Z',
      afterSeeing:
        'set after the first quick run: the mean over tasks became the worst task ≥ 95% (it measured 95.1%), and the prefer-old variants were declared not expected at quick (worst task 87% and 36%)',
    };
    return [
      finding({
        id: 'tasks-learned',
        kind: 'check',
        declared: AFTER_FIRST_RUN,
        claim: `Every task is learned under its own mask with new-init ${c.newInits[0]}: ≥ 95% validation accuracy for the worst task (mean over seeds).`,
        paper: 'Each task is trained to convergence with its mask (the figure reads sharing, not accuracy).',
        evidence: { [`worst task, new-init ${c.newInits[0]}`]: worst[0] },
        holds: worst[0] >= 0.95,
      }),
      finding({
        id: 'tasks-learned-prefer-old',
        kind: 'check',
        declared: AFTER_FIRST_RUN,
        claim: `Every task is learned under its own mask in the "prefer old" variants too (new-init ${c.newInits.slice(1).join(', ')}): ≥ 95% for the worst task.`,
        paper: "The paper's prefer-old sweeps train each task for 30k steps; the figures read sharing only.",
        evidence: Object.fromEntries(c.newInits.slice(1).map((v, i) => [`worst task, new-init ${v}`, worst[i + 1]])),
        holds: worst.slice(1).every((x) => x >= 0.95),
        notExpected: knownNotToHoldAt(a, ['quick'], PREFER_OLD_SHORT),
      }),
      finding({
        id: 'later-tasks-reuse-old-weights',
        kind: 'claim',
        declared: AFTER_FIRST_RUN,
        claim: `The last task (${last}) puts more than 5% of its mask on weights earlier tasks used, and more than a random mask of its size would (|U| / N), in every layer after the first (new-init 2).`,
        paper: 'New tasks reuse some earlier weights in layers 2–4 (the fraction is plotted).',
        evidence: Object.fromEntries(
          later.flatMap((id) => [
            [`shared ${last} ${id}`, at(2, id).shared],
            [`by chance ${id}`, at(2, id).chance],
          ]),
        ),
        holds: later.every((id) => at(2, id).shared > 0.05 && at(2, id).shared > at(2, id).chance),
      }),
      finding({
        id: 'cheaper-new-weights-more-reuse',
        kind: 'claim',
        declared: DECLARED,
        claim:
          "The lower the new weights' mask-logit init, the more the last task reuses old weights: its shared share in layer 2 rises from new-init 2 to 0 to −1.",
        paper:
          'The paper plots one figure per new-init (2, 0, −1: the "prefer old" sweeps); the direction is what those sweeps were built to show: a lower init makes a new weight costlier to switch on than an old one.',
        evidence: {
          ...Object.fromEntries(
            c.newInits.flatMap((v, i) => [
              [`shared ${last} ${ids[1]}, new-init ${v}`, at(v, ids[1]).shared],
              [`std over seeds, new-init ${v}`, spread[i]],
              [`by chance, new-init ${v}`, at(v, ids[1]).chance],
            ]),
          ),
          'seeds with an empty mask': c.newInits.reduce((n, v) => n + at(v, ids[1]).empty, 0),
        },
        holds: c.newInits.every((v, i) => i === 0 || at(v, ids[1]).shared > at(c.newInits[i - 1], ids[1]).shared),
      }),
    ];
  },
  references: [
    {
      source: 'Paper (figure, 10 seeds, FNN 784-800-800-64-10, 30k steps per task)',
      quantity: 'shared fraction per layer for T2…T10',
      value:
        'numeric values not available to this reproduction; the paper reads the pattern: some reuse in layers 2–4, explained by shared interfaces more than by task similarity',
    },
  ],
  notes: (c) => [
    `Network: FNN ${sizesOf(c).join('→')} (the paper: 784→800→800→64→10), Xavier-normal init, biases masked.`,
    `Tasks: ${c.tasks} (the paper: 11), ${c.stage.steps} steps each (the paper: 30k), Adam lr ${c.stage.lr} for weights and logits, batch ${c.stage.batchSize}, K = ${c.stage.samples}, β = ${c.stage.beta} (α = ${(c.stage.beta / c.stage.batchSize).toExponential(1)}), clip ${c.stage.gradClip}.`,
    'Used weights stay frozen (zero gradient) but keep trainable mask logits (init 2); the first layer is re-initialised for every task.',
    'The train/validation split of the MNIST training file and the pixel permutations are drawn from our own seeded generator (the official code uses numpy RandomState(0xC1CAFA52) and RandomState(p)).',
    c.validLimit === null ? 'Accuracy on the full validation split.' : `Accuracy on the first ${c.validLimit} examples of the validation split.`,
  ],
};
