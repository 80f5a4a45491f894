// Weight sharing per layer between two masks (e.g. + and ×, or Pair 1 and
// Pair 2): IoU and IoMin, mean ± std over seeds. High in the I/O layers and low
// in the hidden layers is the paper's signature of separate modules with shared
// interfaces. One panel per variant; within a variant one row per compared pair.
import * as Plot from '@observablehq/plot';
import type { OverlapRow, ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { layerLabel, layerOrder, maskLabel, variantsOf, variantTitle } from '../artifact-lookup.ts';
import { meanStd } from '../format.ts';
import { escapeHtml } from '../html.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, facetLabelLineWidth, panel, serialize, withLegendTitle } from './render.ts';

export interface SharingChartOptions {
  variants?: string[];
  /** Only pairs whose (a, b) mask ids match one of these, e.g. [["add", "mul"]]. */
  pairs?: Array<[string, string]>;
}

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'layers'>;

// "IoU by chance" is what two independent random masks of the same densities
// would give: dense masks overlap a lot by chance alone, so IoU reads against it.
const metrics = ['IoU', 'IoMin', 'IoU by chance'] as const;
const metricValue = (r: OverlapRow, m: (typeof metrics)[number]) => (m === 'IoU' ? r.iou : m === 'IoMin' ? r.iomin : r.chanceIou);

export function sharingChart(artifact: Artifact, document: Document, options: SharingChartOptions = {}): string {
  const rows = artifact.tables.overlap.filter((r) => !options.pairs || options.pairs.some(([a, b]) => r.a === a && r.b === b));
  const variants = variantsOf(rows).filter((v) => !options.variants || options.variants.includes(v));
  return variants
    .map((variant) =>
      panel(
        variantTitle(variant, variants),
        variantPlot(
          artifact,
          rows.filter((r) => r.variant === variant),
          variant,
          document,
        ),
      ),
    )
    .join('');
}

function variantPlot(artifact: Artifact, rows: OverlapRow[], variant: string, document: Document): string {
  const a = artifact as ResultArtifact;
  const pairName = (r: OverlapRow) => `${maskLabel(a, r.a, variant)} vs ${maskLabel(a, r.b, variant)}`;
  const pairs = orderOfAppearance(rows, pairName);
  const layers = layerOrder(a, rows).map((id) => layerLabel(a, id));
  const long = rows.flatMap((r) =>
    metrics.map((metric) => ({ seed: r.seed, pair: pairName(r), layer: layerLabel(a, r.layer), metric, value: metricValue(r, metric) })),
  );
  const summary = groupSummary(long, ['pair', 'layer', 'metric'], (r) => r.value);
  const facetY = pairs.length > 1;
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 60 + 240 * pairs.length,
    marginLeft: 50,
    marginRight: facetY ? 90 : 20,
    marginBottom: 64,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 1], label: 'Overlap', grid: true },
    fx: { domain: layers, label: null, padding: 0.12 },
    fy: facetY ? { domain: pairs, label: null } : undefined,
    x: { domain: [...metrics], axis: null, padding: 0.08 },
    color: { domain: [...metrics], legend: true },
    marks: [
      Plot.barY(summary, {
        fx: 'layer',
        fy: facetY ? 'pair' : undefined,
        x: 'metric',
        y: 'mean',
        fill: 'metric',
        title: (d) => `${d.pair}, ${d.layer}: ${d.metric} ${meanStd(d)} (${d.n} seeds)`,
      }),
      Plot.ruleX(
        summary.filter((d) => Number.isFinite(d.std)),
        {
          fx: 'layer',
          fy: facetY ? 'pair' : undefined,
          x: 'metric',
          y1: (d) => Math.max(0, d.mean - d.std),
          y2: (d) => Math.min(1, d.mean + d.std),
          stroke: 'black',
          strokeWidth: 2,
        },
      ),
      Plot.ruleY([0]),
      Plot.axisFx({ anchor: 'bottom', label: null, lineWidth: facetLabelLineWidth(layers.length, 50, facetY ? 90 : 20) }),
      // Pair names wrap inside the right margin instead of running off the SVG ("i.i.d. vs Turn left").
      ...(facetY ? [Plot.axisFy({ anchor: 'right', label: null, lineWidth: Math.floor((90 - 12) / chartStyle.fontSize) })] : []),
    ],
  });
  const heading = facetY ? '' : `<p class="chart-panel-subtitle">${escapeHtml(pairs[0] ?? '')}</p>`;
  return heading + withLegendTitle(serialize(plot), 'Measure');
}
