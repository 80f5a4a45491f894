// Weights kept per layer by each mask: grouped bars per layer, one bar per mask.
// A linear count axis (as in the paper's figure) makes "× keeps more weights
// than +" a direct length comparison within a layer; the share of the layer
// kept is in each bar's tooltip. Grouped by mask instead (`groupBy: 'mask'`),
// one group per mask with a bar per layer coloured by layer: for a sequence of
// masks (permuted MNIST's tasks T1 … Tn), read along the sequence.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact, WeightsKeptRow } from '../../../experiments/artifacts/schema.ts';
import { layerLabel, layerOrder, maskLabel, variantsOf, variantTitle } from '../artifact-lookup.ts';
import { count, percent } from '../format.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, facetLabelLineWidth, layerColors, panel, serialize, withLegendTitle } from './render.ts';

export interface WeightsKeptChartOptions {
  variants?: string[];
  /**
   * 'count' (default): weights kept, a direct length comparison within a layer.
   * 'share': percent of the layer kept, for networks whose layers differ in
   * size by orders of magnitude (SCAN: a 7-column output layer beside LSTM
   * layers), where a count axis leaves the small layers' bars invisible.
   */
  measure?: 'count' | 'share';
  /**
   * 'layer' (default): one group per layer, a bar per mask, coloured by mask.
   * 'mask': one group per mask, a bar per layer, coloured by layer (the same
   * layer colours as the permuted-MNIST sharing chart).
   */
  groupBy?: 'layer' | 'mask';
}

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'layers'>;

export function weightsKeptChart(artifact: Artifact, document: Document, options: WeightsKeptChartOptions = {}): string {
  const rows = artifact.tables.weightsKept;
  const variants = variantsOf(rows).filter((v) => !options.variants || options.variants.includes(v));
  const groupBy = options.groupBy ?? 'layer';
  // One colour per mask label (or per layer) across all panels, so "Pair 1" looks the same in every variant.
  const colors =
    groupBy === 'mask'
      ? layerColors(artifact)
      : ((labels) => {
          const scale = Plot.scale({ color: { type: 'categorical', domain: labels } });
          return new Map(labels.map((l) => [l, scale.apply(l) as string]));
        })(orderOfAppearance(rows, (r) => maskLabel(artifact as ResultArtifact, r.mask, r.variant)));
  return variants
    .map((variant) =>
      panel(
        variantTitle(variant, variants),
        variantPlot(
          artifact,
          rows.filter((r) => r.variant === variant),
          variant,
          colors,
          document,
          options.measure ?? 'count',
          groupBy,
        ),
      ),
    )
    .join('');
}

function variantPlot(
  artifact: Artifact,
  rows: WeightsKeptRow[],
  variant: string,
  colors: Map<string, string>,
  document: Document,
  measure: 'count' | 'share',
  groupBy: 'layer' | 'mask',
): string {
  const value = (r: { kept: number; total: number }) => (measure === 'share' ? (100 * r.kept) / r.total : r.kept);
  const label = (id: string) => maskLabel(artifact as ResultArtifact, id, variant);
  const masks = orderOfAppearance(rows, (r) => r.mask).map(label);
  const layers = layerOrder(artifact as ResultArtifact, rows).map((id) => layerLabel(artifact as ResultArtifact, id));
  // Groups along fx, bars within a group along x and coloured by it.
  const [groups, members] = groupBy === 'mask' ? [masks, layers] : [layers, masks];
  const fx = groupBy === 'mask' ? 'maskLabel' : 'layerLabel';
  const x = groupBy === 'mask' ? 'layerLabel' : 'maskLabel';
  // Statistics of the counts (the tooltips give them); the bars draw them on the chosen measure.
  const summary = groupSummary(rows, ['mask', 'layer', 'total'], (r) => r.kept).map((s) => ({
    ...s,
    maskLabel: label(s.mask),
    layerLabel: layerLabel(artifact as ResultArtifact, s.layer),
  }));
  const tip = (d: (typeof summary)[number]) => {
    const spread = Number.isFinite(d.std) ? ` ± ${count(d.std)}` : '';
    return `${d.maskLabel}, ${d.layerLabel}: ${count(d.mean)}${spread} of ${count(d.total)} weights kept (${percent(d.mean / d.total, 2)}), ${d.n} seeds`;
  };
  const dots = rows.map((r) => ({ ...r, maskLabel: label(r.mask), layerLabel: layerLabel(artifact as ResultArtifact, r.layer) }));
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 320,
    marginLeft: 64,
    marginBottom: 64,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: measure === 'share' ? { label: 'Weights kept (% of the layer)', grid: true, domain: [0, 100] } : { label: 'Weights kept', grid: true, nice: true },
    fx: { domain: groups, label: null, padding: 0.12 },
    x: { domain: members, axis: null, padding: 0.08 },
    // Legend lists only this panel's masks (or layers), coloured as in every other panel.
    color: { domain: members, range: members.map((m) => colors.get(m) ?? 'grey'), legend: true },
    marks: [
      Plot.barY(summary, { fx, x, y: (d) => value({ kept: d.mean, total: d.total }), fill: x, title: tip }),
      Plot.ruleX(
        summary.filter((d) => Number.isFinite(d.std)),
        {
          fx,
          x,
          y1: (d) => value({ kept: Math.max(0, d.mean - d.std), total: d.total }),
          y2: (d) => value({ kept: d.mean + d.std, total: d.total }),
          stroke: 'black',
          strokeWidth: 2,
        },
      ),
      Plot.dot(dots, {
        fx,
        x,
        y: (d) => value(d),
        r: 2.5,
        fill: 'white',
        stroke: 'black',
        title: (d) => `seed ${d.seed}: ${count(d.kept)} of ${count(d.total)} (${percent(d.kept / d.total, 2)})`,
      }),
      Plot.ruleY([0]),
      Plot.axisFx({ anchor: 'bottom', label: null, lineWidth: facetLabelLineWidth(groups.length, 64) }),
    ],
  });
  return withLegendTitle(serialize(plot), groupBy === 'mask' ? 'Layer' : 'Mask');
}
