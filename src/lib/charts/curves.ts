// Training curves of the mask stages: the quantities behind a page's headline
// claims against mask-training steps (one panel each), the mean over seeds as a
// line and each seed faintly behind it. Where the paper's stage is longer than
// ours, the panel says so at its right edge: the reader sees whether a quantity
// was still moving when our stage ended.
import * as Plot from '@observablehq/plot';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { curvePreset, type CurvePoint } from '../curves.ts';
import { groupSummary, orderOfAppearance } from '../stats.ts';
import { chartStyle, panel, serialize, withLegendTitle } from './render.ts';

export function curveChart(artifact: Pick<ResultArtifact, 'tables' | 'layers' | 'experiment'>, document: Document): string {
  const preset = curvePreset(artifact.experiment, artifact);
  if (!preset) return '';
  const panels = orderOfAppearance(preset.points, (p) => p.panel);
  return panels
    .map((title) =>
      panel(
        title,
        panelPlot(
          preset.points.filter((p) => p.panel === title),
          preset.paperSteps,
          document,
        ),
      ),
    )
    .join('');
}

/** The chart's caption: how often the stages were measured and how their length compares with the paper's, from the artifact. */
export function curveCaption(artifact: Pick<ResultArtifact, 'tables' | 'layers' | 'experiment' | 'provenance'>): string {
  const preset = curvePreset(artifact.experiment, artifact);
  const points = (artifact.provenance.config as { curve?: { points?: number } }).curve?.points;
  const ours = preset ? Math.max(...preset.points.map((p) => p.step)) : 0;
  const paper = preset?.paperSteps ?? 0;
  const n = (x: number) => x.toLocaleString('en-US');
  const length =
    paper > ours
      ? `the paper's stages are ${n(paper)} steps, longer than ours (${n(ours)}): the red note at each panel's right edge`
      : paper < ours
        ? `the dashed red rule marks the paper's ${n(paper)}-step stage`
        : `our stages are as long as the paper's (${n(paper)} steps)`;
  return `The quantities behind the headline claims, measured ${points ? `${points} times` : 'several times'} per mask stage (and at its start) on fixed subsets of the evaluation sets, with the binary mask of that step (logit > 0). Thick line: mean over seeds; faint lines: single seeds. A quantity still moving when the stage ends says the stage was too short to decide the claim; ${length}.`;
}

function panelPlot(points: CurvePoint[], paperSteps: number, document: Document): string {
  const names = orderOfAppearance(points, (p) => p.series);
  const means = groupSummary(points, ['series', 'step'], (p) => p.value);
  const last = Math.max(...points.map((p) => p.step));
  const beyond = paperSteps > last;
  // One faint line per seed (and per mask, where a series averages several: CIFAR-10's removal masks).
  const perSeed = points.map((p) => ({ ...p, line: `${p.series}\0${p.seed}\0${p.member ?? ''}` }));
  const plot = Plot.plot({
    document,
    width: chartStyle.width,
    height: 300,
    marginLeft: 50,
    // Room for the note, or for the last tick's label at the right edge.
    marginRight: beyond ? 150 : 36,
    style: { fontSize: `${chartStyle.fontSize}px` },
    // Our stage fills the axis; a shorter paper stage is a rule on it, a longer one a note beside it.
    x: { domain: [0, last], label: 'Mask-training step', grid: true },
    y: { domain: [0, 1], label: null, grid: true, tickFormat: '.0%' },
    color: { domain: names, legend: true },
    marks: [
      Plot.line(perSeed, { x: 'step', y: 'value', z: 'line', stroke: 'series', strokeOpacity: 0.2, strokeWidth: 1 }),
      Plot.line(means, { x: 'step', y: 'mean', stroke: 'series', strokeWidth: 2 }),
      Plot.dot(means, {
        x: 'step',
        y: 'mean',
        fill: 'series',
        r: 2,
        title: (d) => `${d.series}, step ${d.step}: ${(100 * d.mean).toFixed(1)}% (mean of ${d.n} seeds)`,
      }),
      ...(beyond
        ? [
            Plot.text([`the paper's stage: ${paperSteps.toLocaleString('en-US')} steps →`], {
              frameAnchor: 'right',
              dx: 145,
              textAnchor: 'end',
              fill: '#d62728',
              lineWidth: 10,
            }),
          ]
        : [Plot.ruleX([paperSteps], { stroke: '#d62728', strokeDasharray: '2,3' })]),
      Plot.ruleY([0]),
    ],
  });
  return withLegendTitle(serialize(plot), 'Series');
}
