// Permuted MNIST's transfer figure (docs/method.md §4): for each task learned
// after the first, the share of its mask that lands on weights earlier tasks
// used, per layer — shared_ℓ(p) = |m_p ∧ U_p| / |m_p|. One panel per variant
// (the mask-logit init of new weights: the paper's three figures), tasks along
// x with one bar per layer, mean ± sample std over seeds and a dot per seed.
//
// Every task the run has is drawn; the ones the paper's figure plots (T2, T4,
// …, T10) have bold names. A dashed tick on each bar marks the share of the
// layer that earlier tasks used: a mask placed at random would share that much
// on average, so a bar reads as reuse only where it rises above its tick.
// A seed whose mask keeps nothing of a layer is stored as 0 by the writer; its
// dot is a red cross, so the 0 is not read as "no reuse".
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { escapeHtml } from '../html.ts';
import { sharingBars, usedInitOf, variantHeading, type SharingBar, type SharingOptions } from '../permuted-mnist.ts';
import { orderOfAppearance } from '../stats.ts';
import { chartStyle, layerColors, panel, serialize, withLegendTitle } from './render.ts';

export type TransferSharingChartOptions = SharingOptions;

type Artifact = Pick<ResultArtifact, 'tables' | 'layers' | 'provenance'>;

const usedStroke = '#1b1f24';
const emptyStroke = '#a4161a';
const panelHeight = 250;
const marginLeft = 50;

/** Tooltip of a bar: the mean ± std over seeds, and the share of the layer earlier tasks used. */
export function sharingBarTitle(d: SharingBar): string {
  const spread = Number.isFinite(d.std) ? ` ± ${d.std.toFixed(3)}` : '';
  const used = d.used ? `; earlier tasks used ${d.used.mean.toFixed(3)} of the layer` : '';
  const empty = d.emptySeeds.length > 0 ? `; ${d.emptySeeds.length} of ${d.n} seeds kept no weight here (stored as 0)` : '';
  return `${d.variant}, ${d.task}, ${d.layerLabel}: shared ${d.mean.toFixed(3)}${spread} (${d.n} seeds)${used}${empty}`;
}

/** Empty string when the artifact has no overlap rows for the chosen layers. */
export function transferSharingChart(artifact: Artifact, document: Document, options: TransferSharingChartOptions = {}): string {
  const bars = sharingBars(artifact, options);
  if (bars.length === 0) return '';
  const variants = orderOfAppearance(bars, (b) => b.variant);
  const layers = orderOfAppearance(bars, (b) => b.layerLabel);
  const colors = layerColors(artifact);
  const usedInit = usedInitOf(artifact);
  const legend = Plot.legend({
    document,
    color: { domain: layers, range: layers.map((l) => colors.get(l) ?? 'grey') },
  } as Plot.LegendScales & Pick<Plot.PlotOptions, 'document'>);
  const hasEmpty = bars.some((b) => b.emptySeeds.length > 0);
  const hasPaperTasks = bars.some((b) => b.paper);
  const panels = variants.map((variant) =>
    panel(
      variantHeading(variant, usedInit),
      variantPlot(
        bars.filter((b) => b.variant === variant),
        layers,
        colors,
        document,
      ),
    ),
  );
  return withLegendTitle(withKeys(serialize(legend), hasEmpty, hasPaperTasks), 'Layer') + panels.join('');
}

function variantPlot(bars: SharingBar[], layers: string[], colors: Map<string, string>, document: Document): string {
  const tasks = orderOfAppearance(bars, (b) => b.task);
  const paperTasks = tasks.filter((t) => bars.some((b) => b.task === t && b.paper));
  const seeds = bars.flatMap((b) => b.rows.map((r) => ({ ...r, task: b.task, layerLabel: b.layerLabel, empty: b.emptySeeds.includes(r.seed) })));
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: panelHeight,
    marginLeft,
    marginTop: 24,
    marginBottom: 36,
    style: { fontSize: `${chartStyle.fontSize}px` },
    y: { domain: [0, 1], label: 'Shared: |m ∧ U| / |m|', grid: true, ticks: 5 },
    fx: { domain: tasks, axis: null, padding: 0.15 },
    x: { domain: layers, axis: null, padding: 0.1 },
    color: { domain: layers, range: layers.map((l) => colors.get(l) ?? 'grey') },
    marks: [
      Plot.barY(bars, { fx: 'task', x: 'layerLabel', y: 'mean', fill: 'layerLabel', title: sharingBarTitle }),
      Plot.ruleX(
        bars.filter((b) => Number.isFinite(b.std)),
        { fx: 'task', x: 'layerLabel', y1: (d) => Math.max(0, d.mean - d.std), y2: (d) => Math.min(1, d.mean + d.std), stroke: 'black', strokeWidth: 2 },
      ),
      Plot.tickY(
        bars.filter((b) => b.used),
        {
          fx: 'task',
          x: 'layerLabel',
          y: (d) => d.used!.mean,
          stroke: usedStroke,
          strokeWidth: 2,
          strokeDasharray: '4 3',
          title: (d) => `${d.task}, ${d.layerLabel}: earlier tasks used ${d.used!.mean.toFixed(3)} of the layer's weights (mean over ${d.used!.n} seeds)`,
        },
      ),
      Plot.dot(
        seeds.filter((s) => !s.empty),
        {
          fx: 'task',
          x: 'layerLabel',
          y: 'sharedOfA',
          r: 2.5,
          fill: 'white',
          stroke: 'black',
          title: (d) => `seed ${d.seed}: ${d.intersection} of the task's weights on used ones (${d.sharedOfA.toFixed(3)})`,
        },
      ),
      Plot.dot(
        seeds.filter((s) => s.empty),
        {
          fx: 'task',
          x: 'layerLabel',
          y: 'sharedOfA',
          r: 4,
          symbol: 'times',
          stroke: emptyStroke,
          strokeWidth: 2,
          title: (d) => `seed ${d.seed}: the mask keeps no weight of this layer (stored as 0)`,
        },
      ),
      Plot.ruleY([0]),
      // Task names as text in their own facet (a facet axis restricted to some ticks
      // still labels every facet), bold for the tasks the paper's figure plots.
      Plot.text(
        tasks.filter((t) => !paperTasks.includes(t)),
        { fx: (t) => t, text: (t) => t, frameAnchor: 'bottom', dy: 20 },
      ),
      Plot.text(paperTasks, { fx: (t) => t, text: (t) => t, frameAnchor: 'bottom', dy: 20, fontWeight: 'bold' }),
    ],
  });
  return serialize(plot);
}

/** The marks the colour legend cannot show, appended to it as swatches of the same kind. */
function withKeys(legendHtml: string, hasEmpty: boolean, hasPaperTasks: boolean): string {
  const swatch = /class="([\w-]+)-swatch"/.exec(legendHtml)?.[1];
  if (!swatch) return legendHtml;
  const key = (svg: string, text: string) => `<span class="${swatch}-swatch">${svg}${escapeHtml(text)}</span>`;
  const keys = [
    key(
      `<svg width="22" height="15"><line x1="1" x2="21" y1="7.5" y2="7.5" stroke="${usedStroke}" stroke-width="2" stroke-dasharray="4 3" /></svg>`,
      'share of the layer earlier tasks used (a random mask shares this much)',
    ),
    ...(hasEmpty
      ? [
          key(
            `<svg width="15" height="15"><path d="M3,3L12,12M3,12L12,3" stroke="${emptyStroke}" stroke-width="2" /></svg>`,
            'seed whose mask keeps nothing of the layer',
          ),
        ]
      : []),
    ...(hasPaperTasks ? [`<span class="${swatch}-swatch"><strong>T2, T4, …</strong>&nbsp;in bold: tasks in the paper's figure</span>`] : []),
  ];
  return legendHtml.replace(/<\/div>$/, `${keys.join('')}</div>`);
}
