// Build-time rendering of Observable Plot charts to stable HTML strings.
//
// Plot needs a DOM `document`; linkedom gives a fast one in Node. The output is
// normalised so that golden tests and rebuilds are byte-for-byte stable:
//  - Plot numbers clip-path/marker/pattern ids with module-global counters
//    (plot-clip-7 ...), which depend on how many charts were drawn before;
//    we renumber them per chart in order of appearance.
//  - Coordinates carry 15+ digits of float noise; two decimals are plenty for
//    SVG and keep goldens readable.
// Plot's class name ("plot-d6a7b5") is a constant of the Plot version, not random.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { escapeHtml } from '../html.ts';

/** A fresh DOM document for Plot to draw into. */
export function createDocument(): Document {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as Document;
}

/** Shared look of every chart: readable type at the site's column width. */
export const chartStyle = {
  /** The site's text column (60rem minus padding), so charts are drawn at 1:1. */
  width: 920,
  fontSize: 13,
} as const;

/**
 * Longest line (in ems, Plot's unit for wrapping text) of a facet label, so
 * that long column names ("¬Pair 1 (I/O from Full)") wrap inside their own
 * facet instead of running into the neighbour's.
 */
export function facetLabelLineWidth(facets: number, marginLeft: number, marginRight = 20): number {
  const facetPx = (chartStyle.width - marginLeft - marginRight) / Math.max(1, facets);
  return Math.max(4, Math.floor((0.9 * facetPx) / chartStyle.fontSize));
}

/**
 * Plot's swatch legends have no title; put one in front of the swatches so the
 * reader knows what the colours encode.
 */
export function withLegendTitle(html: string, title: string): string {
  return html.replace(/(<div class="[^"]*-swatches-wrap">)/, `$1<span class="legend-title">${escapeHtml(title)}:</span>`);
}

export function serialize(node: Element | { outerHTML: string }): string {
  return normalizeSvg((node as { outerHTML: string }).outerHTML);
}

export function normalizeSvg(html: string): string {
  const ids = new Map<string, string>();
  const renumbered = html.replace(/plot-(clip|marker|pattern)-\d+/g, (match, kind: string) => {
    if (!ids.has(match)) ids.set(match, `plot-${kind}-${[...ids.keys()].filter((k) => k.startsWith(`plot-${kind}-`)).length + 1}`);
    return ids.get(match)!;
  });
  // Plot names its mark and axis groups with aria-label ("bar", "x-axis tick"): on a <g>, which has no role
  // that takes a name, that is invalid ARIA (axe: aria-prohibited-attr) and tells a reader nothing (the
  // figure's title and caption name the chart). The name moves to data-mark, for tests and styles.
  const unlabelled = renumbered.replace(/<g\b[^>]*>/g, (tag) => tag.replace(/ aria-label="([^"]*)"/, ' data-mark="$1"'));
  // Only inside tags: text (titles, labels) keeps its exact digits.
  return unlabelled.replace(/<[^>]+>/g, (tag) => tag.replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (n) => String(Number(Number(n).toFixed(2)))));
}

/** A titled panel (one per variant, pair, ...) around a rendered plot. */
export function panel(title: string | null, body: string): string {
  const heading = title ? `<p class="chart-panel-title">${escapeHtml(title)}</p>` : '';
  return `<div class="chart-panel">${heading}${body}</div>`;
}

/**
 * One colour per layer label of the artifact (all layers, not only the drawn
 * ones), so a layer keeps its colour across the charts that colour by layer
 * (permuted MNIST's sharing chart, the weights-kept chart grouped by mask).
 */
export function layerColors(artifact: Pick<ResultArtifact, 'layers'>): Map<string, string> {
  const labels = artifact.layers.map((l) => l.label);
  const scale = Plot.scale({ color: { type: 'categorical', domain: labels } });
  return new Map(labels.map((l) => [l, scale.apply(l) as string]));
}
