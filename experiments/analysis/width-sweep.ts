// The quantities of the sharing-vs-width sweep, per (task, width, seed), from an
// artifact's tidy tables alone. Free of tfjs: the findings and the site's
// charts read the same numbers.
//
// A sweep point's rows carry variant "<task> <width>×<depth>" and layer ids
// "<variant>/layer<n>" (each width has its own layer shapes).
import type { AccuracyRow, OverlapRow, WeightsKeptRow } from '../artifacts/schema.ts';
import { mean } from './stats.ts';

export const SWEEP_TASKS = ['add-mul', 'double-add'] as const;
export type SweepTask = (typeof SWEEP_TASKS)[number];

/** The two masks each task's sweep compares, and their accuracy-table labels. */
export const SWEEP_MASKS: Record<SweepTask, { id: string; label: string; evalSet: string }[]> = {
  'add-mul': [
    { id: 'add', label: '+', evalSet: '+' },
    { id: 'mul', label: '×', evalSet: '×' },
  ],
  'double-add': [
    { id: 'pair1', label: 'Pair 1', evalSet: 'Pair 1' },
    { id: 'pair2', label: 'Pair 2', evalSet: 'Pair 2' },
  ],
};

export type ClipMode = 'clean' | 'faithful';

/** "add-mul 512×4"; with a clipping mode (the clipping comparison): "add-mul 384×4, faithful clipping". */
export function sweepVariant(task: SweepTask, width: number, depth: number, clip?: ClipMode): string {
  return `${task} ${width}×${depth}${clip ? `, ${clip} clipping` : ''}`;
}

export function sweepLayerId(variant: string, layer: number): string {
  return `${variant}/layer${layer + 1}`;
}

export function parseSweepVariant(variant: string): { task: SweepTask; width: number; depth: number; clip?: ClipMode } | null {
  const m = /^(add-mul|double-add) (\d+)×(\d+)(?:, (clean|faithful) clipping)?$/.exec(variant);
  return m ? { task: m[1] as SweepTask, width: Number(m[2]), depth: Number(m[3]), ...(m[4] ? { clip: m[4] as ClipMode } : {}) } : null;
}

/** What one seed's masks at one width show. */
export interface SweepPoint {
  task: SweepTask;
  width: number;
  seed: number;
  /** Set in the clipping comparison only. */
  clip?: ClipMode;
  /** The unmasked network's lowest accuracy over the task's evaluation sets. */
  pretrainMin: number;
  /** Σ|a ∧ b| / Σ|a| over all layers (a = + or pair 1): the paper's "total shared" (docs/method.md §2.4). */
  totalShared: number;
  /** Mean over the hidden layers (all but the first and last) of IoU(a, b), and of its chance level. */
  hiddenIou: number;
  hiddenChanceIou: number;
  /** Fraction of all masked weights kept, mean of the two masks. */
  keptFraction: number;
  /** Each mask on its own set, and each inverted mask on the other mask's set (¬a on b's set, ¬b on a's set). */
  ownAccuracy: [number, number];
  invertedOnOther: [number, number];
}

interface Tables {
  pretrain: { seed: number; variant: string; evalSet: string; accuracy: number }[];
  accuracy: AccuracyRow[];
  weightsKept: WeightsKeptRow[];
  overlap: OverlapRow[];
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

/** Every sweep point in the tables, ordered by task, width, seed. */
export function sweepPoints(tables: Tables): SweepPoint[] {
  const keys = new Map<string, { task: SweepTask; width: number; seed: number; variant: string; clip?: ClipMode }>();
  for (const r of tables.weightsKept) {
    const v = parseSweepVariant(r.variant);
    if (v) keys.set(`${r.variant}\0${r.seed}`, { task: v.task, width: v.width, seed: r.seed, variant: r.variant, ...(v.clip ? { clip: v.clip } : {}) });
  }
  const points = [...keys.values()].map(({ task, width, seed, variant, clip }): SweepPoint => {
    const [a, b] = SWEEP_MASKS[task];
    const kept = tables.weightsKept.filter((r) => r.seed === seed && r.variant === variant);
    const overlap = tables.overlap.filter((r) => r.seed === seed && r.variant === variant && r.a === a.id && r.b === b.id);
    const layers = [...new Set(kept.map((r) => r.layer))];
    const hidden = layers.slice(1, -1);
    const acc = (column: string, evalSet: string) => {
      const row = tables.accuracy.find((r) => r.seed === seed && r.variant === variant && r.column === column && r.evalSet === evalSet);
      if (!row) throw new Error(`no accuracy row ${variant} seed ${seed} ${column} on ${evalSet}`);
      return row.accuracy;
    };
    const keptOf = (mask: string) => sum(kept.filter((r) => r.mask === mask).map((r) => r.kept));
    const totalOf = (mask: string) => sum(kept.filter((r) => r.mask === mask).map((r) => r.total));
    const hiddenRows = overlap.filter((r) => hidden.includes(r.layer));
    const pretrain = tables.pretrain.filter((r) => r.seed === seed && r.variant === variant).map((r) => r.accuracy);
    return {
      task,
      width,
      seed,
      ...(clip ? { clip } : {}),
      pretrainMin: Math.min(...pretrain),
      totalShared: keptOf(a.id) === 0 ? 0 : sum(overlap.map((r) => r.intersection)) / keptOf(a.id),
      hiddenIou: mean(hiddenRows.map((r) => r.iou)),
      hiddenChanceIou: mean(hiddenRows.map((r) => r.chanceIou)),
      keptFraction: (keptOf(a.id) / totalOf(a.id) + keptOf(b.id) / totalOf(b.id)) / 2,
      ownAccuracy: [acc(a.label, a.evalSet), acc(b.label, b.evalSet)],
      invertedOnOther: [acc(`¬${a.label}`, b.evalSet), acc(`¬${b.label}`, a.evalSet)],
    };
  });
  const order = (p: SweepPoint) => `${p.task}\0${p.clip ?? ''}`;
  return points.sort((p, q) => (order(p) < order(q) ? -1 : order(p) > order(q) ? 1 : p.width - q.width || p.seed - q.seed));
}

export type SweepQuantity = 'totalShared' | 'hiddenIou' | 'hiddenChanceIou' | 'keptFraction' | 'invertedOnOther' | 'pretrainMin';

/** A point's value of a quantity; the inverted cells are their mean. */
export function quantityOf(p: SweepPoint, q: SweepQuantity): number {
  return q === 'invertedOnOther' ? (p.invertedOnOther[0] + p.invertedOnOther[1]) / 2 : p[q];
}

/** Mean over seeds per width (ascending), of one task's points. */
export function byWidth(points: SweepPoint[], task: SweepTask, q: SweepQuantity): { width: number; mean: number; seeds: number }[] {
  const widths = [...new Set(points.filter((p) => p.task === task).map((p) => p.width))].sort((x, y) => x - y);
  return widths.map((width) => {
    const at = points.filter((p) => p.task === task && p.width === width);
    return { width, mean: mean(at.map((p) => quantityOf(p, q))), seeds: at.length };
  });
}

/**
 * Whether a sequence (means over seeds at ascending widths) moves the given
 * way: from the first to the last by more than `tolerance`, and no step back
 * by more than `tolerance` (two widths both near a floor, e.g. 0% accuracy,
 * may swap by noise).
 */
export function movesThrough(values: number[], direction: 'falls' | 'rises', tolerance: number): boolean {
  if (values.length < 2) return false;
  const sign = direction === 'falls' ? -1 : 1;
  const steps = values.slice(1).map((v, i) => sign * (v - values[i]));
  return sign * (values[values.length - 1] - values[0]) > tolerance && steps.every((s) => s >= -tolerance);
}
