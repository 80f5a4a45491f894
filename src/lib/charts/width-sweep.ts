// Sharing vs width: for one task, each quantity behind a headline claim against
// the network's width (log axis). Dots are seeds (hollow where the pre-trained
// network does not solve the task, so its masks say little), the line the mean
// over seeds; the hidden-IoU panel also draws its chance level (dashed), and a
// rule marks the paper's width.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { quantityOf, sweepPoints, type SweepQuantity, type SweepTask } from '../../../experiments/analysis/width-sweep.ts';
import { groupSummary } from '../stats.ts';
import { chartStyle, serialize, withLegendTitle } from './render.ts';

/** The paper's main width (2000×4 for both tasks). */
export const PAPER_WIDTH = 2000;

const PANELS: Record<SweepTask, { q: SweepQuantity; label: string }[]> = {
  'add-mul': [
    { q: 'totalShared', label: 'Total shared (Σ|m₊∧m×| / Σ|m₊|)' },
    { q: 'hiddenIou', label: 'Hidden-layer IoU, + vs ×' },
    { q: 'keptFraction', label: 'Fraction of weights kept' },
  ],
  'double-add': [
    { q: 'hiddenIou', label: 'Hidden-layer IoU, pair 1 vs pair 2' },
    { q: 'invertedOnOther', label: '¬Pair 1 on pair 2, ¬Pair 2 on pair 1 (mean)' },
    { q: 'keptFraction', label: 'Fraction of weights kept' },
  ],
};

export interface WidthSweepChartOptions {
  task: SweepTask;
}

export function widthSweepChart(artifact: Pick<ResultArtifact, 'tables'>, document: Document, options: WidthSweepChartOptions): string {
  const points = sweepPoints(artifact.tables).filter((p) => p.task === options.task);
  if (points.length === 0) return '';
  const panels = PANELS[options.task];
  const series = (p: (typeof points)[number], label: string, q: SweepQuantity, measure: string) => ({
    panel: label,
    width: p.width,
    seed: p.seed,
    value: quantityOf(p, q),
    measure,
    solved: p.pretrainMin >= 0.95,
  });
  const rows = panels.flatMap(({ q, label }) => points.map((p) => series(p, label, q, 'measured')));
  const chance = points.map((p) => series(p, panels.find((x) => x.q === 'hiddenIou')!.label, 'hiddenChanceIou', 'chance level'));
  const means = groupSummary([...rows, ...chance], ['panel', 'measure', 'width'], (r) => r.value);
  const widths = points.map((p) => p.width);
  const dotTitle = (d: (typeof rows)[number]) =>
    `${d.panel} at ${d.width}, seed ${d.seed}: ${(100 * d.value).toFixed(1)}%${d.solved ? '' : ' (the pre-trained network does not solve the task)'}`;
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 330,
    marginLeft: 50,
    marginBottom: 64,
    style: { fontSize: `${chartStyle.fontSize}px` },
    x: { type: 'log', domain: [Math.min(...widths) / 1.4, PAPER_WIDTH * 1.4], label: 'Hidden width (units per layer, 4 layers)', tickFormat: '~s', grid: true },
    y: { domain: [0, 1], label: null, grid: true, tickFormat: '.0%' },
    fx: { domain: panels.map((p) => p.label), label: null, padding: 0.12 },
    color: { domain: ['measured', 'chance level'], range: ['#1f77b4', '#7f7f7f'], legend: true },
    marks: [
      Plot.ruleX([PAPER_WIDTH], { stroke: '#d62728', strokeDasharray: '2,3' }),
      Plot.text(
        panels.map((p) => p.label),
        { fx: (d) => d, x: PAPER_WIDTH, frameAnchor: 'top', dy: 6, dx: -4, textAnchor: 'end', text: () => 'paper', fill: '#d62728' },
      ),
      Plot.line(
        means.filter((d) => d.measure === 'measured'),
        { fx: 'panel', x: 'width', y: 'mean', stroke: 'measure', strokeWidth: 1.5 },
      ),
      Plot.line(
        means.filter((d) => d.measure === 'chance level'),
        { fx: 'panel', x: 'width', y: 'mean', stroke: 'measure', strokeDasharray: '5,3', strokeWidth: 1.5 },
      ),
      // Seeds: filled where the pre-trained network solves the task, hollow where it does not.
      Plot.dot(
        rows.filter((d) => d.solved),
        { fx: 'panel', x: 'width', y: 'value', fill: 'measure', r: 3.5, title: dotTitle },
      ),
      Plot.dot(
        rows.filter((d) => !d.solved),
        { fx: 'panel', x: 'width', y: 'value', stroke: 'measure', fill: 'white', r: 3.5, title: dotTitle },
      ),
      Plot.ruleY([0]),
      Plot.axisFx({ anchor: 'top', label: null, lineWidth: 22 }),
    ],
  });
  return withLegendTitle(serialize(plot), 'Line');
}
