// Accuracy table as grouped bars: for each column of the table (unmasked, Full,
// +, ¬+, ...) one bar per evaluation set, height = mean over seeds, a black rule
// for ± sample std, and one dot per seed so a single bad seed is visible.
// One panel per network variant, since variants may have different columns.
import * as Plot from '@observablehq/plot';
import type { AccuracyRow, ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { variantsOf, variantTitle } from '../artifact-lookup.ts';
import { percentMeanStd } from '../format.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, facetLabelLineWidth, panel, serialize, withLegendTitle } from './render.ts';

export interface AccuracyChartOptions {
  /** Only these variants (default: all, in order of appearance). */
  variants?: string[];
}

export function accuracyChart(artifact: Pick<ResultArtifact, 'tables'>, document: Document, options: AccuracyChartOptions = {}): string {
  const rows = artifact.tables.accuracy;
  const variants = variantsOf(rows).filter((v) => !options.variants || options.variants.includes(v));
  // Same colour per eval set in every panel.
  const evalSets = orderOfAppearance(rows, (r) => r.evalSet);
  return variants
    .map((variant) =>
      panel(
        variantTitle(variant, variants),
        variantPlot(
          rows.filter((r) => r.variant === variant),
          evalSets,
          document,
        ),
      ),
    )
    .join('');
}

function variantPlot(rows: AccuracyRow[], evalSets: string[], document: Document): string {
  const columns = orderOfAppearance(rows, (r) => r.column);
  const present = evalSets.filter((e) => rows.some((r) => r.evalSet === e));
  const summary = groupSummary(rows, ['column', 'evalSet'], (r) => r.accuracy);
  const withSpread = summary.filter((s) => Number.isFinite(s.std));
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 320,
    marginLeft: 50,
    marginBottom: 64,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 100], label: 'Accuracy (%)', grid: true },
    fx: { domain: columns, label: null, padding: 0.12 },
    x: { domain: present, axis: null, padding: 0.08 },
    color: { domain: evalSets, legend: true },
    marks: [
      Plot.barY(summary, {
        fx: 'column',
        x: 'evalSet',
        y: (d) => d.mean * 100,
        fill: 'evalSet',
        title: (d) => `${d.column} on ${d.evalSet}: ${percentMeanStd(d)} (${d.n} seeds)`,
      }),
      Plot.ruleX(withSpread, {
        fx: 'column',
        x: 'evalSet',
        y1: (d) => Math.max(0, d.mean - d.std) * 100,
        y2: (d) => Math.min(1, d.mean + d.std) * 100,
        stroke: 'black',
        strokeWidth: 2,
      }),
      Plot.dot(rows, {
        fx: 'column',
        x: 'evalSet',
        y: (d) => d.accuracy * 100,
        r: 2.5,
        fill: 'white',
        stroke: 'black',
        title: (d) => `seed ${d.seed}: ${(d.accuracy * 100).toFixed(1)}%`,
      }),
      Plot.ruleY([0]),
      Plot.axisFx({ anchor: 'bottom', label: null, lineWidth: facetLabelLineWidth(columns.length, 50) }),
    ],
  });
  return withLegendTitle(serialize(plot), 'Evaluated on');
}
