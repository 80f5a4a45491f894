// Per-output-token removal (SCAN, docs/method.md §5.5): of the weights the base
// (i.i.d.) mask keeps into one output token, the share a split's mask drops.
// One panel per split mask, one horizontal bar per token (token names read
// left of the bars, where they fit), mean ± sample std over seeds and a dot per
// seed. Highlighted tokens (by default the write-up passes I_JUMP: in the jump
// split's training data only the bare command "jump" produces it) get their
// own colour and a bold label, so the paper's claim is a glance: the I_JUMP bar
// is the longest in the jump panel.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { maskLabel } from '../artifact-lookup.ts';
import { percentMeanStd } from '../format.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, serialize, withLegendTitle } from './render.ts';

export interface TokenRemovalChartOptions {
  /** Tokens drawn in the highlight colour with a bold label. */
  highlight?: string[];
  /** Only these masks (ids), in this order; default: every compared mask in the writer's order. */
  masks?: string[];
}

type Artifact = Pick<ResultArtifact, 'tables' | 'masks'>;

const highlightColor = '#ff725c';
const otherColor = '#4269d0';

/** Empty string when the artifact has no token-removal table. */
export function tokenRemovalChart(artifact: Artifact, document: Document, options: TokenRemovalChartOptions = {}): string {
  const all = artifact.tables.tokenRemoval ?? [];
  const masks = options.masks ?? orderOfAppearance(all, (r) => r.mask);
  const rows = all.filter((r) => masks.includes(r.mask));
  if (rows.length === 0) return '';
  const a = artifact as ResultArtifact;
  const highlight = new Set(options.highlight ?? []);
  const tokens = orderOfAppearance(rows, (r) => r.token);
  const baseOf = (id: string) => maskLabel(a, id);
  const panelOf = (id: string) => `${maskLabel(a, id)} mask`;
  const summary = groupSummary(rows, ['base', 'mask', 'token'], (r) => r.share).map((s) => {
    const own = rows.filter((r) => r.base === s.base && r.mask === s.mask && r.token === s.token);
    return { ...s, panel: panelOf(s.mask), kept: own.reduce((t, r) => t + r.baseKept, 0) / own.length };
  });
  const kind = (token: string) => (highlight.has(token) ? token : 'other tokens');
  const kinds = [...tokens.filter((t) => highlight.has(t)), ...(tokens.some((t) => !highlight.has(t)) ? ['other tokens'] : [])];
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 70 + 28 * tokens.length,
    marginLeft: 110,
    marginRight: 20,
    marginTop: 28,
    marginBottom: 40,
    style: { fontSize: `${chartStyle.fontSize}px` },
    x: { domain: [0, 100], label: 'Share of the i.i.d. mask’s weights into the token that this mask removes (%)', labelAnchor: 'center', grid: true, ticks: 5 },
    y: { domain: tokens, label: null, padding: 0.2 },
    // Wide gaps between panels, so one panel's 100 does not run into the next one's 0.
    fx: { domain: masks.map(panelOf), label: null, padding: 0.16 },
    color: { domain: kinds, range: kinds.map((k) => (k === 'other tokens' ? otherColor : highlightColor)), legend: true },
    marks: [
      Plot.barX(summary, {
        fx: 'panel',
        y: 'token',
        x: (d) => d.mean * 100,
        fill: (d) => kind(d.token),
        title: (d) =>
          `${d.panel}, ${d.token}: removes ${percentMeanStd(d)} of the ${baseOf(d.base)} mask's weights into ${d.token} (on average ${d.kept.toFixed(1)} kept by it), ${d.n} seeds`,
      }),
      Plot.ruleY(
        summary.filter((d) => Number.isFinite(d.std)),
        {
          fx: 'panel',
          y: 'token',
          x1: (d) => Math.max(0, d.mean - d.std) * 100,
          x2: (d) => Math.min(1, d.mean + d.std) * 100,
          stroke: 'black',
          strokeWidth: 2,
        },
      ),
      Plot.dot(
        rows.map((r) => ({ ...r, panel: panelOf(r.mask) })),
        {
          fx: 'panel',
          y: 'token',
          x: (d) => d.share * 100,
          r: 2.5,
          fill: 'white',
          stroke: 'black',
          title: (d) => `seed ${d.seed}: ${d.removed} of ${d.baseKept} removed (${(d.share * 100).toFixed(1)}%)`,
        },
      ),
      Plot.ruleX([0]),
      // Two axes, so the highlighted tokens' names can be bold (fontWeight is a constant, not a channel).
      Plot.axisY(
        tokens.filter((t) => !highlight.has(t)),
        { label: null, tickSize: 0 },
      ),
      Plot.axisY(
        tokens.filter((t) => highlight.has(t)),
        { label: null, tickSize: 0, fontWeight: 'bold', fill: highlightColor },
      ),
      Plot.axisFx({ anchor: 'top', label: null, fontWeight: 'bold' }),
    ],
  });
  return withLegendTitle(serialize(plot), 'Token');
}
