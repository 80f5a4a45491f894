// How the CIFAR-10 class-removal artifact lays out its tables, read on the
// site side, and the numbers its charts and tables draw (docs/method.md §7.4).
//
// The writer (experiments/tasks/cifar10.ts) names things by convention rather
// than in the schema (experiments/tasks/names.ts, imported by both sides): the
// control mask is "control", the mask trained without class c is "without-<c>"; the confusion table holds each mask's confusion
// matrix normalised per true class (trueOp = true class, predicted = predicted
// class), one per seed; an accuracy row's eval set is a class name (that
// class's accuracy, the matrix diagonal) or "all classes". The site does not
// import the writer (it pulls in TensorFlow.js); test/site/cifar10-lib.test.ts
// checks the layout against it.
// The metrics themselves are the experiments' own (analysis/class-removal.ts),
// imported rather than restated, so the page draws what the findings judge.
import { confusionDifference, largestOtherOverTarget, relativeChanges, whereRemovedGoes, type Matrix } from '../../experiments/analysis/class-removal.ts';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { CIFAR_ALL_IMAGES, CIFAR_WITHOUT, CONTROL_MASK, UNMASKED_COLUMN } from '../../experiments/tasks/names.ts';
import { orderOfAppearance, summarise, type Summary } from './stats.ts';

export const CONTROL = CONTROL_MASK;
export const UNMASKED = UNMASKED_COLUMN;
/** Eval set of the overall accuracy rows; per-class rows use the class name. */
export const ALL_CLASSES = CIFAR_ALL_IMAGES;
/** The paper's plot of "largest other / target" spans 0–10%: its claim is that every bar stays below. */
export const PAPER_OTHER_OVER_TARGET_LIMIT = 10;

const WITHOUT = CIFAR_WITHOUT;
/** Mask id of the stage trained without `className`. */
export const withoutClassId = (className: string) => `${WITHOUT}${className}`;
/** The class a removal mask leaves out ("without-cat" → "cat"), or undefined for other masks. */
export const removedClassOf = (maskId: string) => (maskId.startsWith(WITHOUT) ? maskId.slice(WITHOUT.length) : undefined);

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'provenance'>;

/** The classes in the writer's order (the confusion table's true classes, else the per-class accuracy rows). */
export function classesOf(artifact: Pick<ResultArtifact, 'tables'>): string[] {
  const confusion = artifact.tables.confusion ?? [];
  if (confusion.length > 0) return orderOfAppearance(confusion, (r) => r.trueOp);
  return orderOfAppearance(
    artifact.tables.accuracy.filter((r) => r.evalSet !== ALL_CLASSES),
    (r) => r.evalSet,
  );
}

/** The removed classes, in the writer's stage order. */
export function removedClasses(artifact: Pick<ResultArtifact, 'masks'>): string[] {
  return artifact.masks.map((m) => removedClassOf(m.id)).filter((c): c is string => c !== undefined);
}

/** Seeds in the confusion table (the artifact's seeds when it has none). */
function seedsOf(artifact: Artifact): number[] {
  const rows = artifact.tables.confusion ?? [];
  return rows.length > 0 ? orderOfAppearance(rows, (r) => String(r.seed)).map(Number) : artifact.provenance.seeds;
}

/** One seed's row-normalised confusion matrix of a mask; NaN where the table lacks a cell. */
export function confusionMatrix(artifact: Pick<ResultArtifact, 'tables'>, seed: number, mask: string, classes: string[]): Matrix {
  const m = classes.map(() => classes.map(() => NaN));
  for (const r of artifact.tables.confusion ?? []) {
    if (r.seed !== seed || r.mask !== mask) continue;
    const i = classes.indexOf(r.trueOp);
    const j = classes.indexOf(r.predicted);
    if (i >= 0 && j >= 0) m[i][j] = r.fraction;
  }
  return m;
}

/** A summary of the defined values, with how many were undefined (NaN) and left out. */
export interface DefinedSummary extends Summary {
  /** Seeds whose value is undefined (see RemovalSummary) and left out of mean and std. */
  undefinedSeeds: number[];
}

function definedSummary(values: Array<{ seed: number; value: number }>): DefinedSummary {
  const defined = values.filter((v) => !Number.isNaN(v.value));
  return { ...summarise(defined.map((v) => v.value)), undefinedSeeds: values.filter((v) => Number.isNaN(v.value)).map((v) => v.seed) };
}

export interface RemovalSeed {
  seed: number;
  /** rel_drop_c = −rel_change_c, percent; NaN when the control never got class c right. */
  relDrop: number;
  /** Largest other / target, percent; NaN when class c did not drop. */
  otherOverTarget: number;
  /** The other class with the largest relative drop (undefined when none dropped). */
  worstOther?: string;
  /** The class that gained most of class c's images. */
  goesTo: string;
}

export interface RemovalSummary {
  removed: string;
  /** Index of the removed class in `classes`. */
  index: number;
  relDrop: DefinedSummary;
  otherOverTarget: DefinedSummary;
  seeds: RemovalSeed[];
}

/**
 * Per removed class, the paper's two bar charts: the relative drop of the
 * removed class and the largest other class's relative drop as a percentage
 * of it, per seed and as mean ± sample std over the seeds where each is
 * defined (the rest are left out and listed, as the writer's findings do).
 */
export function removalSummaries(artifact: Artifact): RemovalSummary[] {
  const classes = classesOf(artifact);
  const seeds = seedsOf(artifact);
  const controls = new Map(seeds.map((s) => [s, confusionMatrix(artifact, s, CONTROL, classes)]));
  return removedClasses(artifact)
    .filter((c) => classes.includes(c))
    .map((removed) => {
      const index = classes.indexOf(removed);
      const perSeed = seeds.map((seed): RemovalSeed => {
        const control = controls.get(seed)!;
        const stage = confusionMatrix(artifact, seed, withoutClassId(removed), classes);
        const changes = relativeChanges(stage, control);
        const worst = changes.reduce((best, x, j) => (j !== index && x < 0 && (best < 0 || x < changes[best]) ? j : best), -1);
        return {
          seed,
          relDrop: -changes[index],
          otherOverTarget: largestOtherOverTarget(changes, index),
          ...(worst >= 0 ? { worstOther: classes[worst] } : {}),
          goesTo: classes[whereRemovedGoes(confusionDifference(stage, control), index)],
        };
      });
      return {
        removed,
        index,
        relDrop: definedSummary(perSeed.map((p) => ({ seed: p.seed, value: p.relDrop }))),
        otherOverTarget: definedSummary(perSeed.map((p) => ({ seed: p.seed, value: p.otherOverTarget }))),
        seeds: perSeed,
      };
    });
}

export interface DifferenceCell extends Summary {
  removed: string;
  trueClass: string;
  predicted: string;
  /** The control mask's share of `trueClass` predicted as `predicted`, percent, mean over seeds. */
  control: number;
}

/**
 * The confusion-difference matrix diff_c = conf_c − conf_control of each
 * removed class, in percentage points, mean ± sample std over seeds per cell:
 * row = true class, column = predicted class, as the paper's figure.
 */
export function confusionDifferences(artifact: Artifact): Array<{ removed: string; cells: DifferenceCell[] }> {
  const classes = classesOf(artifact);
  const seeds = seedsOf(artifact);
  const controls = seeds.map((s) => confusionMatrix(artifact, s, CONTROL, classes));
  return removedClasses(artifact)
    .filter((c) => classes.includes(c))
    .map((removed) => {
      const diffs = seeds.map((s, k) => confusionDifference(confusionMatrix(artifact, s, withoutClassId(removed), classes), controls[k]));
      const cells = classes.flatMap((trueClass, i) =>
        classes.map((predicted, j) => ({
          ...summarise(diffs.map((d) => 100 * d[i][j])),
          removed,
          trueClass,
          predicted,
          control: summarise(controls.map((c) => 100 * c[i][j])).mean,
        })),
      );
      return { removed, cells };
    });
}

export interface Destination extends Summary {
  /** The class that gained (mean change of the removed class's row, percentage points). */
  predicted: string;
  /** Seeds in which this class gained the most of the removed class's images. */
  topInSeeds: number;
}

/**
 * Where the removed class's images go: the other classes ranked by how much of
 * the removed class's row they gained (diff_c[c, j], percentage points, mean
 * over seeds), with how often each was the largest gainer in a single seed
 * (what the writer's "similar class" finding counts).
 */
export function removedClassDestinations(artifact: Artifact): Array<{ removed: string; seeds: number; destinations: Destination[] }> {
  const summaries = removalSummaries(artifact);
  return confusionDifferences(artifact).map(({ removed, cells }) => {
    const top = summaries.find((s) => s.removed === removed)!.seeds.map((s) => s.goesTo);
    const destinations = cells
      .filter((c) => c.trueClass === removed && c.predicted !== removed)
      .map(({ predicted, mean, std, n, values }) => ({ predicted, mean, std, n, values, topInSeeds: top.filter((t) => t === predicted).length }))
      .sort((a, b) => b.mean - a.mean);
    return { removed, seeds: top.length, destinations };
  });
}

/**
 * Whether a data variant names a lossy copy of CIFAR-10 (the JPEG
 * re-encoding the loader names "CIFAR-10 (JPEG q75 re-encoding)") rather than
 * the official binary batches: the page then says that its pixels are not the
 * paper's.
 */
export function isReencodedCopy(dataVariant: string): boolean {
  return /re-?encod|jpe?g/i.test(dataVariant);
}

/** The accuracy cell of a removal mask on its own removed class (what its relative drop reads). */
export const isRemovedClassCell = (column: string, evalSet: string) => removedClassOf(column) === evalSet;
