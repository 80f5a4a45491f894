// The accuracy table as a grid of cells, independent of markup: which key runs
// along the rows and which along the columns, their labels, optional header
// groups over the columns and highlighted cells. AccuracyTable.astro renders it.
//
// Two layouts: masks as rows (the default: artifacts with many mask columns and
// few evaluation sets stay narrow) or masks as columns (the paper's layout,
// used where the columns fall into groups, e.g. SCAN's masks and from-scratch
// baselines).
import type { AccuracyRow } from '../../experiments/artifacts/schema.ts';
import { percentMeanStd } from './format.ts';
import { groupSummary, orderOfAppearance, type Summary } from './stats.ts';

export interface AccuracyGridOptions {
  /** 'rows' (default): one row per mask column; 'columns': one column per mask column. */
  masksAs?: 'rows' | 'columns';
  /** Display name of an accuracy column (a mask, "unmasked", a baseline); default: as written. */
  columnLabel?: (column: string) => string;
  /** Display name of an evaluation set; default: "on <set>" as a column header, "<set>" as a row header. */
  evalSetLabel?: (evalSet: string) => string;
  /** Header group of a mask column; consecutive columns of one group share a spanning header (masks as columns only). */
  columnGroup?: (column: string) => string;
  /** Evaluation sets listed first, in this order (the rest follow in the writer's order). */
  evalSetOrder?: string[];
  /** Cells to emphasise (e.g. the ones a chart draws). */
  highlight?: (column: string, evalSet: string) => boolean;
}

export interface GridCell {
  text: string;
  summary?: Summary;
  highlight: boolean;
}

export interface AccuracyGrid {
  /** Top-left header: what the row headers are. */
  corner: string;
  /** Spanning headers above the column headers; empty when there are no groups. */
  groups: Array<{ label: string; span: number }>;
  columns: string[];
  rows: Array<{ label: string; cells: GridCell[] }>;
}

export function accuracyGrid(rows: readonly AccuracyRow[], options: AccuracyGridOptions = {}): AccuracyGrid {
  const byMask = options.masksAs !== 'columns';
  const columnLabel = options.columnLabel ?? ((c: string) => c);
  const summary = groupSummary(rows, ['column', 'evalSet'], (r) => r.accuracy);
  const masks = orderOfAppearance(rows, (r) => r.column);
  const order = options.evalSetOrder ?? [];
  const written = orderOfAppearance(rows, (r) => r.evalSet);
  const evalSets = [...order.filter((e) => written.includes(e)), ...written.filter((e) => !order.includes(e))];
  const cell = (column: string, evalSet: string): GridCell => {
    const s = summary.find((x) => x.column === column && x.evalSet === evalSet);
    return { text: s ? percentMeanStd(s) : '–', summary: s, highlight: Boolean(s && options.highlight?.(column, evalSet)) };
  };
  if (byMask) {
    const evalSetLabel = options.evalSetLabel ?? ((e: string) => `on ${e}`);
    return {
      corner: 'Mask used',
      groups: [],
      columns: evalSets.map(evalSetLabel),
      rows: masks.map((m) => ({ label: columnLabel(m), cells: evalSets.map((e) => cell(m, e)) })),
    };
  }
  const evalSetLabel = options.evalSetLabel ?? ((e: string) => e);
  const groups: AccuracyGrid['groups'] = [];
  if (options.columnGroup) {
    for (const m of masks) {
      const label = options.columnGroup(m);
      const last = groups[groups.length - 1];
      if (last && last.label === label) last.span++;
      else groups.push({ label, span: 1 });
    }
  }
  return {
    corner: 'Evaluated on',
    groups,
    columns: masks.map(columnLabel),
    rows: evalSets.map((e) => ({ label: evalSetLabel(e), cells: masks.map((m) => cell(m, e)) })),
  };
}
