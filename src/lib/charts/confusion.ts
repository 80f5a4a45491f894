// "Confusion" of the operation masks (add-mul): for each mask and each true
// operation, what the network's 2-digit prediction equals — the sum, the
// product, both (when (a+b) ≡ ab mod 100) or neither — as stacked shares,
// mean over seeds. It tells whether, say, the × mask on + inputs still computes
// a product or just outputs noise.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { officialConfusionRows } from '../../../experiments/analysis/op-confusion.ts';
import { maskLabel } from '../artifact-lookup.ts';
import { percentMeanStd } from '../format.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, facetLabelLineWidth, serialize, withLegendTitle } from './render.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'masks'>;

/**
 * Empty string when the artifact has no confusion table. `official`: the
 * official code's three classes (sum, product, neither; a prediction equal to
 * both counts in both, rows normalised by the counted total).
 */
export function confusionChart(artifact: Artifact, document: Document, view: 'ours' | 'official' = 'ours'): string {
  const stored = artifact.tables.confusion ?? [];
  const rows = view === 'official' ? officialConfusionRows(stored) : stored;
  if (rows.length === 0) return '';
  const a = artifact as ResultArtifact;
  const masks = orderOfAppearance(rows, (r) => r.mask).map((id) => maskLabel(a, id));
  const trueOps = orderOfAppearance(rows, (r) => r.trueOp);
  const predicted = orderOfAppearance(rows, (r) => r.predicted);
  const summary = groupSummary(rows, ['mask', 'trueOp', 'predicted'], (r) => r.fraction).map((s) => ({
    ...s,
    maskLabel: maskLabel(a, s.mask),
  }));
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 320,
    marginTop: 56,
    marginLeft: 50,
    marginBottom: 48,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 100], label: 'Share of predictions (%)', grid: true },
    fx: { domain: masks, label: null, padding: 0.12 },
    x: { domain: trueOps, label: 'True operation', padding: 0.15 },
    color: { domain: predicted, legend: true },
    marks: [
      Plot.barY(summary, {
        fx: 'maskLabel',
        x: 'trueOp',
        y: (d) => d.mean * 100,
        fill: 'predicted',
        // Stack in the legend's order so "neither" is always on top.
        order: predicted,
        title: (d) => `${d.maskLabel} mask, true op ${d.trueOp}: prediction = ${d.predicted} in ${percentMeanStd(d)} (${d.n} seeds)`,
      }),
      Plot.ruleY([0]),
      // Panel names on top, so they do not collide with the true-operation ticks below.
      Plot.axisFx({ anchor: 'top', label: null, tickFormat: (d) => `${d} mask`, lineWidth: facetLabelLineWidth(masks.length, 50) }),
    ],
  });
  return withLegendTitle(serialize(plot), 'Prediction equals');
}
