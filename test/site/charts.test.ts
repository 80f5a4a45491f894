// Golden tests of the chart functions: each chart of each fixture artifact is
// rendered and compared byte for byte with test/site/golden/<experiment>.<chart>.html
// (an HTML fragment holding the Plot SVG). UPDATE_GOLDEN=1 rewrites the files.
// Structural assertions check that the marks match the rows, so a golden file
// cannot silently bless an empty or wrong chart.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { accuracyChart, confusionChart, createDocument, maskHistogram, sharingChart, weightsKeptChart } from '../../src/lib/charts/index.ts';
import { orderOfAppearance } from '../../src/lib/stats.ts';
import { fixtureExperiments, loadFixture } from './fixture-artifacts.ts';
import { matchGolden } from './golden.ts';

const charts: Record<string, (a: ResultArtifact, d: Document) => string> = {
  accuracy: accuracyChart,
  'weights-kept': weightsKeptChart,
  sharing: sharingChart,
  confusion: confusionChart,
  histogram: maskHistogram,
};

/** Chart panels of a rendered chart, each with its bars and dots. */
function panels(html: string) {
  const { document } = parseHTML(`<div id="root">${html}</div>`);
  return [...document.querySelectorAll('.chart-panel, #root > figure, #root > svg')].map((p) => ({
    bars: p.querySelectorAll('g[data-mark="bar"] rect').length,
    rects: p.querySelectorAll('g[data-mark="rect"] rect').length,
    dots: p.querySelectorAll('g[data-mark="dot"] circle').length,
    title: p.querySelector('.chart-panel-title')?.textContent ?? null,
  }));
}

const distinct = <T>(rows: T[], key: (r: T) => string) => orderOfAppearance(rows, key).length;

// Permuted MNIST has its own charts (test/site/permuted-mnist.test.ts): its accuracy
// rows are a diagonal (each task on its own set) and its overlap rows compare a task
// with the union before it, which the generic accuracy and sharing charts do not draw.
// CIFAR-10 too (test/site/cifar10.test.ts): its page draws the class-removal charts and a
// per-class table, not the generic accuracy chart of eleven masks on eleven eval sets.
const genericChartFixtures = fixtureExperiments.filter((e) => e !== 'permuted-mnist' && e !== 'cifar10');

describe.each(genericChartFixtures)('charts of the %s fixture', (experiment) => {
  const artifact = loadFixture(experiment);

  for (const [chart, render] of Object.entries(charts)) {
    it(`${chart} matches its golden file and is deterministic`, () => {
      const html = render(artifact, createDocument());
      // Drawing other charts first moves Plot's global id counters; output must not change.
      for (const other of Object.values(charts)) other(artifact, createDocument());
      expect(render(artifact, createDocument())).toBe(html);
      expect(html).not.toMatch(/plot-(clip|marker|pattern)-(?!1\b)\d+/);
      matchGolden(`${experiment}.${chart}`, html);
    });
  }

  it('accuracy: one bar per (column, eval set) and one dot per row, in each variant panel', () => {
    const variants = orderOfAppearance(artifact.tables.accuracy, (r) => r.variant);
    const got = panels(accuracyChart(artifact, createDocument()));
    expect(got).toHaveLength(variants.length);
    variants.forEach((variant, i) => {
      const rows = artifact.tables.accuracy.filter((r) => r.variant === variant);
      expect(got[i].bars).toBe(distinct(rows, (r) => `${r.column}|${r.evalSet}`));
      expect(got[i].bars).toBe(distinct(rows, (r) => r.column) * distinct(rows, (r) => r.evalSet));
      expect(got[i].dots).toBe(rows.length);
      expect(got[i].title).toBe(variants.length > 1 ? `Variant: ${variant}` : null);
    });
  });

  it('accuracy: columns in order of first appearance, not alphabetical', () => {
    const { document } = parseHTML(`<div>${accuracyChart(artifact, createDocument())}</div>`);
    const firstPanel = [...document.querySelectorAll('svg')].find((svg) => svg.querySelector('g[data-mark]'))!; // not a legend swatch
    // Wrapped labels are split into <tspan>s: compare without whitespace.
    const squash = (t: string) => t.replace(/\s+/g, '');
    const shown = [...firstPanel.querySelectorAll('g[data-mark="fx-axis tick label"] text')].map((t) => squash(t.textContent ?? ''));
    const first = artifact.tables.accuracy.filter((r) => r.variant === artifact.tables.accuracy[0].variant);
    expect(shown).toEqual(orderOfAppearance(first, (r) => r.column).map(squash));
  });

  it('weights kept: one bar per (mask, layer) in each variant panel, tooltips give the share kept', () => {
    const html = weightsKeptChart(artifact, createDocument());
    const variants = orderOfAppearance(artifact.tables.weightsKept, (r) => r.variant);
    panels(html).forEach((p, i) => {
      const rows = artifact.tables.weightsKept.filter((r) => r.variant === variants[i]);
      expect(p.bars).toBe(distinct(rows, (r) => r.mask) * distinct(rows, (r) => r.layer));
    });
    expect(html).toMatch(/weights kept \(\d+\.\d\d%\)/);
  });

  it('sharing: IoU, IoMin and IoU by chance per layer in each variant panel', () => {
    const variants = orderOfAppearance(artifact.tables.overlap, (r) => r.variant);
    const got = panels(sharingChart(artifact, createDocument()));
    expect(got).toHaveLength(variants.length);
    got.forEach((p, i) => {
      const rows = artifact.tables.overlap.filter((r) => r.variant === variants[i]);
      expect(p.bars).toBe(3 * distinct(rows, (r) => `${r.a}|${r.b}|${r.layer}`));
    });
  });

  it('confusion: stacked bars per mask × true op × prediction, only where the table exists', () => {
    const html = confusionChart(artifact, createDocument());
    const rows = artifact.tables.confusion ?? [];
    if (rows.length === 0) {
      expect(html).toBe('');
      return;
    }
    const { document } = parseHTML(`<div>${html}</div>`);
    expect(document.querySelectorAll('g[data-mark="bar"] rect').length).toBe(distinct(rows, (r) => `${r.mask}|${r.trueOp}|${r.predicted}`));
  });

  it('histogram: one rect per non-empty bin of the control mask, ticks at powers of ten', () => {
    const html = maskHistogram(artifact, createDocument());
    const control = artifact.masks[0].id;
    const bins = artifact.tables.histogram.filter((r) => r.mask === control && r.count > 0);
    const { document } = parseHTML(`<div>${html}</div>`);
    expect(document.querySelectorAll('g[data-mark="rect"] rect').length).toBe(bins.length);
    const ticks = [...document.querySelectorAll('g[data-mark="y-axis tick label"] text')].map((t) => t.textContent);
    expect(ticks.length).toBeGreaterThan(1);
    for (const t of ticks) expect(t).toMatch(/^(1|10|100|1k|10k|100k|1M|10M)$/);
  });

  it('no continuous colour ramps (they need canvas, which linkedom lacks)', () => {
    for (const render of Object.values(charts)) expect(render(artifact, createDocument())).not.toContain('<canvas');
  });
});
