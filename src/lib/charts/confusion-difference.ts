// CIFAR-10 class removal (docs/method.md §7.4): for each removed class c, the
// confusion-difference matrix diff_c = conf_c − conf_control in percentage
// points, mean over seeds (row = true class, column = predicted class), as a
// 10 × 10 heatmap; one small panel per removed class, wrapping in a grid.
//
// The colour scale is diverging around 0 (red: the mask without c predicts
// that cell less often than the control, blue: more often) and shared by every
// panel, with fixed bins so panels and runs compare. Bins rather than a
// continuous ramp: the removed class's own cell moves by tens of points while
// most others move by fractions of one, and a ramp legend needs canvas, which
// the build-time DOM lacks. The removed class's row, where its images go, is
// outlined and its name bold. Cells moved by at least a point carry the
// rounded number; every cell's tooltip has mean ± std and the control's value.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { maskLabel } from '../artifact-lookup.ts';
import { signed } from '../format.ts';
import { classesOf, confusionDifferences, withoutClassId, type DifferenceCell } from '../cifar10.ts';
import { panel, serialize } from './render.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'provenance'>;

/** Bin edges in percentage points, symmetric around 0: an odd number of bins, the middle one (|change| < 0.5) neutral. */
export const DIFFERENCE_THRESHOLDS = [-40, -20, -10, -5, -2, -1, -0.5, 0.5, 1, 2, 5, 10, 20, 40];
/**
 * Colours of the bins: Plot's RdBu scheme, except that the middle bin (|change|
 * < 0.5 points, most cells) is a neutral grey: the scheme's own middle is a
 * warm grey that reads as a slight loss.
 */
const binColors = (() => {
  const range = Plot.scale({ color: { type: 'threshold', domain: DIFFERENCE_THRESHOLDS, scheme: 'RdBu' } }).range as string[];
  return range.map((c, i) => (i === (range.length - 1) / 2 ? '#f2f2f2' : c));
})();
export const highlightColor = '#c2410c';

/** One panel: three fit the text column side by side. */
const panelWidth = 296;
const fontSize = 11.5;
/** Room for the longest class name in bold ("automobile" when it is the removed class). */
const marginLeft = 84;
const marginBottom = 66;
/** Room above the matrix for the "↓ True" label, clear of the first row's name. */
const marginTop = 20;
const marginRight = 6;

export function differenceCellTitle(d: DifferenceCell, maskName: string): string {
  const spread = Number.isFinite(d.std) ? ` ± ${d.std.toFixed(1)}` : '';
  return `${maskName}: true ${d.trueClass}, predicted ${d.predicted}: ${signed(d.mean, 1)}${spread} points (control ${d.control.toFixed(1)}%, ${d.n} seeds)`;
}

/** The number drawn in a cell: rounded points where the change is at least one point, else nothing. */
export function cellText(mean: number): string {
  return Math.abs(mean) >= 1 ? signed(mean, 0) : '';
}

/** Empty string when the artifact has no removal masks with confusion rows. */
export function confusionDifferenceChart(artifact: Artifact, document: Document): string {
  const matrices = confusionDifferences(artifact);
  if (matrices.length === 0) return '';
  const classes = classesOf(artifact);
  const legend = Plot.legend({
    document,
    color: { type: 'threshold', domain: DIFFERENCE_THRESHOLDS, range: binColors },
    label: 'Change against the control mask (percentage points)',
    width: 460,
    tickFormat: (x: number) => signed(x, Math.abs(x) < 1 ? 1 : 0),
  } as Plot.LegendScales & Pick<Plot.PlotOptions, 'document'>);
  const panels = matrices.map(({ removed, cells }) => {
    const name = maskLabel(artifact as ResultArtifact, withoutClassId(removed));
    return panel(name, heatmap(cells, removed, name, classes, document));
  });
  return `<div class="chart-legend">${serialize(legend)}</div><div class="chart-grid">${panels.join('')}</div>`;
}

function heatmap(cells: DifferenceCell[], removed: string, name: string, classes: string[], document: Document): string {
  const cell = (panelWidth - marginLeft - marginRight) / classes.length;
  const others = classes.filter((c) => c !== removed);
  const plot = Plot.plot({
    document,
    width: panelWidth,
    height: marginTop + marginBottom + cell * classes.length,
    marginLeft,
    marginBottom,
    marginTop,
    marginRight,
    style: { fontSize: `${fontSize}px` },
    x: { domain: classes, label: 'Predicted →', labelAnchor: 'right', tickRotate: -50, tickSize: 0, padding: 0 },
    y: { domain: classes, label: '↓ True', labelAnchor: 'top', tickSize: 0, padding: 0 },
    color: { type: 'threshold', domain: DIFFERENCE_THRESHOLDS, range: binColors },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'trueClass', fill: 'mean', inset: 0.5, title: (d) => differenceCellTitle(d, name) }),
      // Dark bins (|change| ≥ 10 points) take white numbers; two marks, since a fill channel would go through the colour scale.
      Plot.text(
        cells.filter((d) => Math.abs(d.mean) < 10),
        { x: 'predicted', y: 'trueClass', text: (d) => cellText(d.mean), fontSize: 8.5, fill: 'black' },
      ),
      Plot.text(
        cells.filter((d) => Math.abs(d.mean) >= 10),
        { x: 'predicted', y: 'trueClass', text: (d) => cellText(d.mean), fontSize: 8.5, fill: 'white' },
      ),
      // The removed class's row: outlined across the matrix, its name bold (two axes: fontWeight is not a channel).
      Plot.cell([removed], { y: (d) => d, fill: 'none', stroke: highlightColor, strokeWidth: 2 }),
      Plot.axisY(others, { label: '↓ True', labelAnchor: 'top', tickSize: 0 }),
      Plot.axisY([removed], { label: null, tickSize: 0, fontWeight: 'bold', fill: highlightColor }),
      Plot.axisX({ label: 'Predicted →', labelAnchor: 'right', tickRotate: -50, tickSize: 0 }),
    ],
  });
  return serialize(plot);
}
