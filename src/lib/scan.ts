// How the SCAN artifact lays out its tables, read on the site side.
//
// The writer (experiments/tasks/scan.ts) names things by convention rather than
// in the schema: the first mask is the i.i.d. ("simple") reference, every other
// mask is a generalisation split whose test set is the eval set of the same id
// (analysis/scan-eval.ts TEST_SET_OF), and the network trained from scratch on
// a split is the accuracy column `scratch:<split>` (scratchColumn). The site does
// not import scan.ts (it pulls in TensorFlow.js), so the conventions are
// restated here once; test/site/scan-conventions.test.ts checks them against
// the writer.
import type { AccuracyRow, ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { maskLabel } from './artifact-lookup.ts';
import { groupSummary, orderOfAppearance, type Summary } from './stats.ts';

/** Eval set of the i.i.d. test set and of a column's own training subset. */
export const IID_TEST = 'iid';
export const OWN_TRAIN = 'own train';
/** The column of the pre-trained network without a mask. */
export const UNMASKED = 'unmasked';

/** Accuracy column of the network trained from scratch on a split. */
export const scratchColumn = (split: string) => `scratch:${split}`;

/**
 * Lake & Baroni (2018), best LSTM trained from scratch on each split: the
 * reference the paper compares its masked accuracies with. A literature
 * constant, not a result of ours; the artifact records the same values as text
 * in `references`, and the conventions test checks the two agree.
 */
export const LAKE_BARONI_2018 = {
  source: 'Lake & Baroni (2018), best LSTM trained from scratch',
  short: 'Lake & Baroni 2018',
  accuracy: { jump: 0.01, length: 0.14, turn_left: 0.9 } as Record<string, number>,
};

export interface ScanSplit {
  /** Mask id of the split's own mask, which is also the id of its test set. */
  id: string;
  label: string;
  testSet: string;
  scratchColumn: string;
}

type Artifact = Pick<ResultArtifact, 'masks' | 'tables'>;

/** The reference (i.i.d.) mask: the first mask the writer listed. */
export function referenceMask(artifact: Artifact): { id: string; label: string } | undefined {
  const m = artifact.masks[0];
  return m && { id: m.id, label: m.label };
}

/** The generalisation splits: every mask after the reference, in the writer's order. */
export function scanSplits(artifact: Artifact): ScanSplit[] {
  return artifact.masks.slice(1).map((m) => ({ id: m.id, label: m.label, testSet: m.id, scratchColumn: scratchColumn(m.id) }));
}

/** Readable name of an accuracy column: "unmasked", "i.i.d. mask", "Jump mask", "Jump split". */
export function scanColumnLabel(artifact: Artifact, column: string): string {
  if (column === UNMASKED) return 'unmasked';
  const scratch = scanSplits(artifact).find((s) => s.scratchColumn === column);
  if (scratch) return `${scratch.label} split`;
  return artifact.masks.some((m) => m.id === column) ? `${maskLabel(artifact as ResultArtifact, column)} mask` : column;
}

/** Whether a column belongs to the pre-trained network (under a mask or none) or to a from-scratch baseline. */
export function scanColumnGroup(artifact: Artifact, column: string): string {
  const ref = referenceMask(artifact)?.label ?? 'i.i.d.';
  return scanSplits(artifact).some((s) => s.scratchColumn === column) ? 'Trained from scratch on' : `Pre-trained on ${ref}`;
}

/** Readable name of an eval set: "i.i.d. test", "Jump test", "own training set". */
export function scanEvalSetLabel(artifact: Artifact, evalSet: string): string {
  if (evalSet === IID_TEST) return `${referenceMask(artifact)?.label ?? 'i.i.d.'} test`;
  if (evalSet === OWN_TRAIN) return 'own training set';
  const split = scanSplits(artifact).find((s) => s.testSet === evalSet);
  return split ? `${split.label} test` : evalSet;
}

/** The cells the split chart draws: each split's three conditions on its own test set. */
export function isSplitChartCell(artifact: Artifact, column: string, evalSet: string): boolean {
  const ref = referenceMask(artifact)?.id;
  return scanSplits(artifact).some((s) => s.testSet === evalSet && [ref, s.id, s.scratchColumn].includes(column));
}

/** The three bars of a split, in drawing order. */
export const SPLIT_CONDITIONS = ['before', 'after', 'from scratch'] as const;
export type SplitCondition = (typeof SPLIT_CONDITIONS)[number];

export interface SplitBar extends Summary {
  split: string;
  splitLabel: string;
  condition: SplitCondition;
  column: string;
  evalSet: string;
  /** The accuracy rows behind the bar (one per seed). */
  rows: AccuracyRow[];
}

/**
 * Per split: "before" (the reference mask on the split's test set), "after"
 * (the split's own mask on it) and "from scratch" (the baseline on it), as
 * mean ± sample std over seeds. Missing columns (a partial run) give no bar.
 */
export function splitBars(artifact: Artifact, variant = 'normal'): SplitBar[] {
  const ref = referenceMask(artifact);
  if (!ref) return [];
  const rows = artifact.tables.accuracy.filter((r) => r.variant === variant);
  return scanSplits(artifact).flatMap((s) => {
    const columns: Record<SplitCondition, string> = { before: ref.id, after: s.id, 'from scratch': s.scratchColumn };
    return SPLIT_CONDITIONS.flatMap((condition) => {
      const own = rows.filter((r) => r.column === columns[condition] && r.evalSet === s.testSet);
      if (own.length === 0) return [];
      const [summary] = groupSummary(own, ['column'], (r) => r.accuracy);
      return [{ ...summary, split: s.id, splitLabel: s.label, condition, evalSet: s.testSet, rows: own }];
    });
  });
}

export interface ContextBar extends Summary {
  column: string;
  label: string;
  rows: AccuracyRow[];
}

/** The i.i.d. test accuracy of the unmasked network and of the reference mask: context for the split bars. */
export function iidContextBars(artifact: Artifact, variant = 'normal'): ContextBar[] {
  const ref = referenceMask(artifact);
  const columns = [UNMASKED, ...(ref ? [ref.id] : [])];
  const rows = artifact.tables.accuracy.filter((r) => r.variant === variant && r.evalSet === IID_TEST && columns.includes(r.column));
  return groupSummary(rows, ['column'], (r) => r.accuracy)
    .sort((a, b) => columns.indexOf(a.column) - columns.indexOf(b.column))
    .map((s) => ({ ...s, label: scanColumnLabel(artifact, s.column), rows: rows.filter((r) => r.column === s.column) }));
}

/** Output tokens in the writer's order (the columns of the output projection). */
export function outputTokens(artifact: Pick<ResultArtifact, 'tables'>): string[] {
  return orderOfAppearance(artifact.tables.tokenRemoval ?? [], (r) => r.token);
}
