// SCAN's central comparison: for each generalisation split, test accuracy
// before masking for it (the i.i.d. mask), after (the split's own mask), and of
// a network trained on the split from scratch, with Lake & Baroni's from-scratch
// LSTM beside ours as a visibly different (grey, dashed) reference bar. The
// paper's claim reads as "after" falling from "before" towards "from scratch".
// A narrow second plot gives the i.i.d. test accuracy (unmasked, i.i.d. mask)
// as context: the splits' "before" can only be read against what the network
// does on the data it was trained for. Both plots share one y scale and legend.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { percentMeanStd } from '../format.ts';
import { escapeHtml } from '../html.ts';
import { iidContextBars, LAKE_BARONI_2018, referenceMask, splitBars, type SplitCondition } from '../scan.ts';
import { chartStyle, serialize, withLegendTitle } from './render.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'masks'>;

const colors = {
  unmasked: '#97bbf5',
  before: '#4269d0',
  after: '#ff725c',
  'from scratch': '#efb118',
  reference: '#d5dae0',
};
const referenceStroke = '#4d5661';

/** Widths of the two plots; together with the flex gap they fill the text column. */
const mainWidth = 660;
const contextWidth = chartStyle.width - mainWidth - 12;
const height = 330;
const marginBottom = 56;
const marginTop = 28;

/** "43%" for most values, one decimal below 10% so that a 1% reference is not read as 0. */
const short = (fraction: number) => `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;

/** Empty string when the artifact has none of the split columns. */
export function scanSplitChart(artifact: Artifact, document: Document): string {
  const bars = splitBars(artifact);
  if (bars.length === 0) return '';
  const ref = referenceMask(artifact)!;
  const names: Record<SplitCondition | 'reference' | 'unmasked', string> = {
    unmasked: 'unmasked',
    before: `before: ${ref.label} mask`,
    after: "after: the split's own mask",
    'from scratch': 'trained on the split from scratch',
    reference: `${LAKE_BARONI_2018.short} (reference, LSTM from scratch)`,
  };
  const conditions = ['before', 'after', 'from scratch', 'reference'] as const;
  const splits = [...new Map(bars.map((b) => [b.split, b.splitLabel])).entries()];
  const references = splits
    .filter(([id]) => LAKE_BARONI_2018.accuracy[id] !== undefined)
    .map(([id, label]) => ({ splitLabel: label, condition: 'reference' as const, value: LAKE_BARONI_2018.accuracy[id] }));
  const top = (b: (typeof bars)[number]) => Math.max(b.mean + (Number.isFinite(b.std) ? b.std : 0), ...b.values);

  const legendKeys = ['unmasked', ...conditions] as const;
  // One legend for both plots. Plot.legend takes a `document` like Plot.plot (its
  // typings omit it), which linkedom needs at build time.
  const legend = Plot.legend({
    document,
    color: { domain: legendKeys.map((k) => names[k]), range: legendKeys.map((k) => colors[k]) },
  } as Plot.LegendScales & Pick<Plot.PlotOptions, 'document'>);

  const main = Plot.plot({
    document,
    width: mainWidth,
    height,
    marginLeft: 50,
    marginTop,
    marginBottom,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 100], label: 'Test accuracy (%)', grid: true },
    fx: { domain: splits.map(([, label]) => label), label: null, padding: 0.1 },
    x: { domain: [...conditions], axis: null, padding: 0.1 },
    marks: [
      Plot.barY(bars, {
        fx: 'splitLabel',
        x: 'condition',
        y: (d) => d.mean * 100,
        fill: (d) => colors[d.condition as SplitCondition],
        title: (d) => `${d.splitLabel} test, ${names[d.condition as SplitCondition]}: ${percentMeanStd(d)} (${d.n} seeds)`,
      }),
      Plot.barY(references, {
        fx: 'splitLabel',
        x: 'condition',
        y: (d) => d.value * 100,
        fill: colors.reference,
        stroke: referenceStroke,
        strokeDasharray: '4 3',
        title: (d) => `${d.splitLabel} test, ${LAKE_BARONI_2018.source}: ≈ ${short(d.value)} (reference, not our run)`,
      }),
      Plot.ruleX(
        bars.filter((b) => Number.isFinite(b.std)),
        {
          fx: 'splitLabel',
          x: 'condition',
          y1: (d) => Math.max(0, d.mean - d.std) * 100,
          y2: (d) => Math.min(1, d.mean + d.std) * 100,
          stroke: 'black',
          strokeWidth: 2,
        },
      ),
      Plot.dot(
        bars.flatMap((b) => b.rows.map((r) => ({ ...r, splitLabel: b.splitLabel, condition: b.condition }))),
        {
          fx: 'splitLabel',
          x: 'condition',
          y: (d) => d.accuracy * 100,
          r: 2.5,
          fill: 'white',
          stroke: 'black',
          title: (d) => `seed ${d.seed}: ${(d.accuracy * 100).toFixed(1)}%`,
        },
      ),
      Plot.text(bars, { fx: 'splitLabel', x: 'condition', y: (d) => top(d) * 100, text: (d) => short(d.mean), dy: -8 }),
      Plot.text(references, { fx: 'splitLabel', x: 'condition', y: (d) => d.value * 100, text: (d) => `≈${short(d.value)}`, dy: -8, fill: referenceStroke }),
      Plot.ruleY([0]),
      Plot.axisFx({ anchor: 'bottom', label: null, tickFormat: (d) => `${d} test set`, fontWeight: 'bold' }),
    ],
  });

  const contextBars = iidContextBars(artifact);
  const context = Plot.plot({
    document,
    width: contextWidth,
    height,
    marginLeft: 36,
    marginTop,
    marginBottom,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 100], label: null, grid: true },
    x: { domain: contextBars.map((b) => b.label), label: null, padding: 0.2, tickSize: 0 },
    marks: [
      Plot.barY(contextBars, {
        x: 'label',
        y: (d) => d.mean * 100,
        fill: (d) => (d.column === ref.id ? colors.before : colors.unmasked),
        title: (d) => `${d.label} on the ${ref.label} test set: ${percentMeanStd(d)} (${d.n} seeds)`,
      }),
      Plot.ruleX(
        contextBars.filter((b) => Number.isFinite(b.std)),
        { x: 'label', y1: (d) => Math.max(0, d.mean - d.std) * 100, y2: (d) => Math.min(1, d.mean + d.std) * 100, stroke: 'black', strokeWidth: 2 },
      ),
      Plot.dot(
        contextBars.flatMap((b) => b.rows.map((r) => ({ ...r, label: b.label }))),
        { x: 'label', y: (d) => d.accuracy * 100, r: 2.5, fill: 'white', stroke: 'black', title: (d) => `seed ${d.seed}: ${(d.accuracy * 100).toFixed(1)}%` },
      ),
      Plot.text(contextBars, {
        x: 'label',
        y: (d) => Math.max(d.mean + (Number.isFinite(d.std) ? d.std : 0), ...d.values) * 100,
        text: (d) => short(d.mean),
        dy: -8,
      }),
      Plot.ruleY([0]),
      Plot.text([`context: ${ref.label} test set`], { frameAnchor: 'bottom', dy: marginBottom - 8, fontWeight: 'bold' }),
    ],
  });

  return (
    withLegendTitle(serialize(legend), 'Bars') +
    `<div class="chart-row">${serialize(main)}<div class="chart-row-context" aria-label="${escapeHtml(`${ref.label} test set, for context`)}">${serialize(context)}</div></div>`
  );
}
