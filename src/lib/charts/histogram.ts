// Histogram of σ(logit) of a mask (by default the control mask), counts pooled
// over seeds and layers. A log count axis shows both the huge spikes near 0 and
// 1 and the few undecided weights in between: nearly all mass at the ends means
// the mask is nearly deterministic, as the paper reports.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { controlMaskId, maskLabel } from '../artifact-lookup.ts';
import { count } from '../format.ts';
import { chartStyle, serialize } from './render.ts';

export interface HistogramOptions {
  /** Mask id; default: the control mask, or the first mask with histogram rows. */
  mask?: string;
}

type Artifact = Pick<ResultArtifact, 'tables' | 'masks'>;

/** Bars start at half a count so a bin holding one weight is still visible on the log axis. */
const floor = 0.5;

/** Empty string when the mask has no histogram rows. */
export function maskHistogram(artifact: Artifact, document: Document, options: HistogramOptions = {}): string {
  const all = artifact.tables.histogram;
  const a = artifact as ResultArtifact;
  const control = controlMaskId(a);
  const mask = options.mask ?? (all.some((r) => r.mask === control) ? control : all[0]?.mask);
  const rows = all.filter((r) => r.mask === mask && r.count > 0);
  if (rows.length === 0 || mask === undefined) return '';
  const max = Math.max(...rows.map((r) => r.count));
  // Ticks and grid lines at powers of ten only: Plot's default log ticks draw a line per integer.
  const decades = Array.from({ length: Math.ceil(Math.log10(max * 2)) + 1 }, (_, i) => 10 ** i).filter((t) => t <= max * 2);
  const info = a.masks.find((m) => m.id === mask);
  const variantNote = info && new Set(a.masks.map((m) => m.variant)).size > 1 ? `, ${info.variant} network` : '';
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 260,
    marginLeft: 64,
    marginBottom: 48,
    style: { fontSize: `${chartStyle.fontSize}px` },
    x: { domain: [0, 1], label: `Keep probability σ(logit), ${maskLabel(a, mask)} mask${variantNote}`, labelAnchor: 'center', labelOffset: 40 },
    y: { type: 'log', domain: [floor, max * 2], label: 'Weights (log scale)', grid: true, ticks: decades, tickFormat: '~s' },
    marks: [
      Plot.rectY(rows, {
        x1: 'x0',
        x2: 'x1',
        y1: floor,
        y2: 'count',
        fill: 'steelblue',
        inset: 0,
        title: (d) => `σ in [${d.x0.toFixed(3)}, ${d.x1.toFixed(3)}): ${count(d.count)} weights`,
      }),
      Plot.ruleY([floor]),
    ],
  });
  return serialize(plot);
}
