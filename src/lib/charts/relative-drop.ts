// CIFAR-10 class removal (docs/method.md §7.4), the paper's two bar charts, one
// panel each, one bar per removed class:
//   - the relative drop of the removed class's own accuracy under the mask
//     trained without it, rel_drop_c = −100 · diff_c[c,c] / conf_control[c,c];
//   - "largest other / target": the worst relative drop of any other class as
//     a percentage of that drop. The paper's plot spans 0–10%, which is its
//     claim; a dashed rule marks the 10% so a bar above it reads at a glance.
// Bars are means over the seeds where the value is defined, black rules ± one
// sample std, dots single seeds; seeds left out are named in the tooltip.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { PAPER_OTHER_OVER_TARGET_LIMIT, removalSummaries, type DefinedSummary, type RemovalSummary } from '../cifar10.ts';
import { escapeHtml } from '../html.ts';
import { chartStyle, panel, serialize } from './render.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'provenance'>;

const barColor = '#4269d0';
export const limitColor = '#c2410c';
const panelHeight = 250;
/** Both panels share their margins, so a class's two bars line up; the right one holds the rule's label. */
const marginLeft = 56;
const marginRight = 112;

const fixed = (x: number) => x.toFixed(1);
const spread = (s: DefinedSummary) => (Number.isFinite(s.std) ? ` ± ${fixed(s.std)}` : '');
const leftOut = (s: DefinedSummary, why: string) =>
  s.undefinedSeeds.length > 0 ? `; seed${s.undefinedSeeds.length > 1 ? 's' : ''} ${s.undefinedSeeds.join(', ')} left out (${why})` : '';

/** "n seeds" in a panel title, or the range when some seeds are left out for some class. */
function seedsNote(summaries: DefinedSummary[]): string {
  const ns = [...new Set(summaries.map((s) => s.n))].sort((a, b) => a - b);
  if (ns[ns.length - 1] === 0) return 'no seed defined';
  const n = ns.length === 1 ? String(ns[0]) : `${ns[0]}–${ns[ns.length - 1]}`;
  return `mean ± std over ${n} seed${n === '1' ? '' : 's'}`;
}

export function relativeDropTitle(d: RemovalSummary): string {
  return `without ${d.removed}: ${d.removed} drops by ${fixed(d.relDrop.mean)}${spread(d.relDrop)}% of its control accuracy (${d.relDrop.n} seeds)${leftOut(d.relDrop, 'the control never got the class right')}`;
}

export function otherOverTargetTitle(d: RemovalSummary): string {
  const worst = [...new Set(d.seeds.filter((s) => !Number.isNaN(s.otherOverTarget)).map((s) => s.worstOther ?? 'none'))].join(', ');
  return `without ${d.removed}: the worst other class drops by ${fixed(d.otherOverTarget.mean)}${spread(d.otherOverTarget)}% of ${d.removed}'s drop (${d.otherOverTarget.n} seeds; worst other class per seed: ${worst})${leftOut(d.otherOverTarget, `${d.removed} did not drop, or its drop is undefined`)}`;
}

/** Empty string when the artifact has no removal masks with confusion rows. */
export function relativeDropChart(artifact: Artifact, document: Document): string {
  const summaries = removalSummaries(artifact).filter((s) => s.relDrop.n + s.relDrop.undefinedSeeds.length > 0);
  if (summaries.length === 0) return '';
  const classes = summaries.map((s) => s.removed);
  const drop = barPanel(summaries, classes, document, {
    value: (s) => s.relDrop,
    seedValue: (s) => s.relDrop,
    label: 'Relative drop of the removed class (%)',
    title: relativeDropTitle,
    seedTitle: (d, s) => `seed ${s.seed}: ${d.removed} drops by ${fixed(s.relDrop)}%`,
  });
  const other = barPanel(summaries, classes, document, {
    value: (s) => s.otherOverTarget,
    seedValue: (s) => s.otherOverTarget,
    label: 'Largest other / target (%)',
    title: otherOverTargetTitle,
    seedTitle: (d, s) => `seed ${s.seed}: ${s.worstOther ?? 'no other class'} drops by ${fixed(s.otherOverTarget)}% of ${d.removed}'s drop`,
    limit: PAPER_OTHER_OVER_TARGET_LIMIT,
  });
  return (
    panel(
      `Relative drop of the removed class's accuracy (${seedsNote(summaries.map((s) => s.relDrop))})`,
      undefinedNote(
        summaries.map((s) => s.relDrop),
        'the control mask never got the class right',
      ) + drop,
    ) +
    panel(
      `Largest relative drop of any other class, as % of the removed class's drop (${seedsNote(summaries.map((s) => s.otherOverTarget))})`,
      undefinedNote(
        summaries.map((s) => s.otherOverTarget),
        'the removed class did not drop, or its drop is undefined',
      ) + other,
    )
  );
}

/** A line above a panel whose value is undefined for every class and seed, saying why it has no bars. */
function undefinedNote(values: DefinedSummary[], why: string): string {
  return values.every((v) => v.n === 0) ? `<p class="chart-panel-subtitle">Undefined for every removed class in every seed: ${escapeHtml(why)}.</p>` : '';
}

interface PanelSpec {
  value: (s: RemovalSummary) => DefinedSummary;
  seedValue: (s: RemovalSummary['seeds'][number]) => number;
  label: string;
  title: (d: RemovalSummary) => string;
  seedTitle: (d: RemovalSummary, s: RemovalSummary['seeds'][number]) => string;
  /** A horizontal rule at this value: the paper's claimed upper limit. */
  limit?: number;
}

function barPanel(summaries: RemovalSummary[], classes: string[], document: Document, spec: PanelSpec): string {
  const bars = summaries.filter((s) => spec.value(s).n > 0).map((s) => ({ ...s, mean: spec.value(s).mean, std: spec.value(s).std }));
  const seeds = summaries.flatMap((d) =>
    d.seeds.filter((s) => !Number.isNaN(spec.seedValue(s))).map((s) => ({ d, s, removed: d.removed, value: spec.seedValue(s) })),
  );
  const values = [...bars.flatMap((b) => [b.mean, b.mean + (Number.isFinite(b.std) ? b.std : 0)]), ...seeds.map((s) => s.value), 0];
  // The limit stays in view with some room above it, so "below the rule" is visible even when every bar is tiny.
  const top = Math.max(...values, spec.limit !== undefined ? spec.limit * 1.2 : 1);
  const bottom = Math.min(...values);
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: panelHeight,
    marginLeft,
    marginRight,
    marginBottom: 40,
    style: { fontSize: `${chartStyle.fontSize}px` },
    x: { domain: classes, label: 'Removed class', padding: 0.3 },
    y: { domain: [bottom, top], nice: true, label: spec.label, grid: true },
    marks: [
      Plot.barY(bars, { x: 'removed', y: 'mean', fill: barColor, title: spec.title }),
      Plot.ruleX(
        bars.filter((b) => Number.isFinite(b.std)),
        { x: 'removed', y1: (b) => b.mean - b.std, y2: (b) => b.mean + b.std, stroke: 'black', strokeWidth: 2 },
      ),
      Plot.dot(seeds, { x: 'removed', y: 'value', r: 2.5, fill: 'white', stroke: 'black', title: (p) => spec.seedTitle(p.d, p.s) }),
      Plot.ruleY([0]),
      ...(spec.limit !== undefined
        ? [
            Plot.ruleY([spec.limit], { stroke: limitColor, strokeWidth: 2, strokeDasharray: '6 4' }),
            Plot.text([spec.limit], {
              y: (d) => d,
              frameAnchor: 'right',
              textAnchor: 'start',
              dx: 6,
              text: () => `paper’s plot:\n≤ ${spec.limit}%`,
              lineAnchor: 'middle',
              fill: limitColor,
              fontWeight: 'bold',
            }),
          ]
        : []),
    ],
  });
  return serialize(plot);
}
