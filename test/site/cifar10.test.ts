// The CIFAR-10 class-removal charts drawn from the fixture: golden files plus
// structural checks that recompute every drawn value from the artifact's raw
// confusion rows (with plain loops here, not the site's code), so a chart that
// groups, filters or scales wrongly fails even if its golden file was regenerated.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { confusionDifferenceChart, createDocument, relativeDropChart, weightsKeptChart } from '../../src/lib/charts/index.ts';
import { DIFFERENCE_THRESHOLDS, highlightColor } from '../../src/lib/charts/confusion-difference.ts';
import { limitColor } from '../../src/lib/charts/relative-drop.ts';
import { loadFixture } from './fixture-artifacts.ts';
import { matchGolden } from './golden.ts';

const fixture = loadFixture('cifar10');
const seeds = fixture.provenance.seeds;
const classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sampleStd = (xs: number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
const parse = (html: string) => parseHTML(`<div id="root">${html}</div>`).document;

/** conf[mask][seed][true][predicted] straight from the rows. */
function fraction(mask: string, seed: number, t: string, p: string): number {
  return fixture.tables.confusion!.find((r) => r.mask === mask && r.seed === seed && r.trueOp === t && r.predicted === p)!.fraction;
}

/** Per seed: relative drop of class c, and the largest other class's relative drop as % of it. */
function expectedMetrics(c: string) {
  return seeds.map((seed) => {
    const change = (j: string) => (100 * (fraction(`without-${c}`, seed, j, j) - fraction('control', seed, j, j))) / fraction('control', seed, j, j);
    const worstOther = Math.min(0, ...classes.filter((j) => j !== c).map(change));
    return { drop: -change(c), ratio: (100 * worstOther) / change(c) };
  });
}

/** The pixel scale of a panel's y axis from two of its tick labels. */
function yScale(svg: Element): (v: number) => number {
  const ticks = [...svg.querySelectorAll('g[data-mark="y-axis tick label"] text')].map((t) => ({
    value: Number((t.textContent ?? '').replace('−', '-')),
    y: Number((t.getAttribute('transform') ?? '').match(/translate\([^,]+,([^)]+)\)/)?.[1]),
  }));
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return (v) => a.y + ((v - a.value) * (b.y - a.y)) / (b.value - a.value);
}

describe('relative-drop chart', () => {
  const html = relativeDropChart(fixture, createDocument());
  const doc = parse(html);
  const panels = [...doc.querySelectorAll('.chart-panel')];

  it('matches its golden file and is deterministic', () => {
    confusionDifferenceChart(fixture, createDocument());
    expect(relativeDropChart(fixture, createDocument())).toBe(html);
    expect(html).not.toMatch(/plot-(clip|marker|pattern)-(?!1\b)\d+/);
    matchGolden('cifar10.relative-drop', html);
  });

  it('two panels, the relative drop then largest other / target, each saying over how many seeds', () => {
    expect(panels.map((p) => p.querySelector('.chart-panel-title')?.textContent)).toEqual([
      `Relative drop of the removed class's accuracy (mean ± std over ${seeds.length} seeds)`,
      `Largest relative drop of any other class, as % of the removed class's drop (mean ± std over ${seeds.length} seeds)`,
    ]);
  });

  it('one bar per removed class whose height and tooltip are the mean over seeds recomputed from the confusion rows', () => {
    panels.forEach((p, k) => {
      const svg = p.querySelector('svg')!;
      const y = yScale(svg);
      const rects = [...svg.querySelectorAll('g[data-mark="bar"] rect')];
      expect(rects).toHaveLength(classes.length);
      rects.forEach((r, i) => {
        const values = expectedMetrics(classes[i]).map((m) => (k === 0 ? m.drop : m.ratio));
        const top = Number(r.getAttribute('y'));
        expect(y(0) - y(mean(values)), classes[i]).toBeCloseTo(Number(r.getAttribute('height')), 0);
        expect(y(mean(values))).toBeCloseTo(top, 0);
        const title = r.querySelector('title')!.textContent!;
        expect(title).toContain(`without ${classes[i]}: `);
        expect(title).toContain(`${mean(values).toFixed(1)} ± ${sampleStd(values).toFixed(1)}%`);
      });
      // One dot per seed and class, the spread as a black rule per bar.
      expect(svg.querySelectorAll('g[data-mark="dot"] circle')).toHaveLength(classes.length * seeds.length);
      expect(svg.querySelectorAll('g[data-mark="rule"][stroke="black"] line')).toHaveLength(classes.length);
    });
  });

  it("the paper's 10% is a dashed rule in the ratio panel only, and the fixture's bird bar stands above it", () => {
    const [drop, ratio] = panels.map((p) => p.querySelector('svg')!);
    expect(drop.querySelector(`g[data-mark="rule"][stroke="${limitColor}"]`)).toBeNull();
    const rule = ratio.querySelector(`g[data-mark="rule"][stroke="${limitColor}"]`)!;
    expect(rule.getAttribute('stroke-dasharray')).toBe('6 4');
    const lineY = Number(rule.querySelector('line')!.getAttribute('y1'));
    expect(lineY).toBeCloseTo(yScale(ratio)(10), 0);
    expect(ratio.querySelector('g[data-mark="text"]')?.textContent).toBe('paper’s plot:≤ 10%');
    const above = [...ratio.querySelectorAll('g[data-mark="bar"] rect')].map((r, i) => [classes[i], Number(r.getAttribute('y')) < lineY]);
    expect(above.filter(([, a]) => a).map(([c]) => c)).toEqual(['bird']);
  });
});

describe('confusion-difference chart', () => {
  const html = confusionDifferenceChart(fixture, createDocument());
  const doc = parse(html);
  const panels = [...doc.querySelectorAll('.chart-grid > .chart-panel')];

  it('matches its golden file and is deterministic, with a threshold legend (no canvas)', () => {
    relativeDropChart(fixture, createDocument());
    expect(confusionDifferenceChart(fixture, createDocument())).toBe(html);
    expect(html).not.toContain('<canvas');
    matchGolden('cifar10.confusion-difference', html);
    const legend = doc.querySelector('.chart-legend svg')!;
    expect(legend.textContent).toContain('Change against the control mask (percentage points)');
    expect(legend.querySelectorAll('rect')).toHaveLength(DIFFERENCE_THRESHOLDS.length + 1);
  });

  it('one panel per removed class, in class order, each a 10 × 10 grid of cells', () => {
    expect(panels.map((p) => p.querySelector('.chart-panel-title')?.textContent)).toEqual(classes.map((c) => `without ${c}`));
    for (const p of panels) {
      const cells = [...p.querySelectorAll('g[data-mark="cell"] rect')].filter((r) => r.querySelector('title'));
      expect(cells).toHaveLength(100);
      expect(new Set(cells.map((r) => r.getAttribute('x'))).size).toBe(10);
      expect(new Set(cells.map((r) => r.getAttribute('y'))).size).toBe(10);
    }
  });

  it("each cell's tooltip is the mean ± std of the difference in points, and its colour the bin of that mean", () => {
    const binOf = (v: number) => DIFFERENCE_THRESHOLDS.filter((t) => t <= v).length;
    const colourOfBin = new Map<number, string>();
    panels.forEach((p, k) => {
      const c = classes[k];
      const cells = [...p.querySelectorAll('g[data-mark="cell"] rect')].filter((r) => r.querySelector('title'));
      cells.forEach((r, n) => {
        const [t, q] = [classes[Math.floor(n / 10)], classes[n % 10]];
        const diffs = seeds.map((s) => 100 * (fraction(`without-${c}`, s, t, q) - fraction('control', s, t, q)));
        const m = mean(diffs);
        const sign = Number(Math.abs(m).toFixed(1)) === 0 ? '' : m > 0 ? '+' : '−';
        expect(r.querySelector('title')!.textContent).toBe(
          `without ${c}: true ${t}, predicted ${q}: ${sign}${Math.abs(m).toFixed(1)} ± ${sampleStd(diffs).toFixed(1)} points (control ${(100 * mean(seeds.map((s) => fraction('control', s, t, q)))).toFixed(1)}%, ${seeds.length} seeds)`,
        );
        const fill = r.getAttribute('fill')!;
        const bin = binOf(m);
        if (!colourOfBin.has(bin)) colourOfBin.set(bin, fill);
        expect(fill, `${c}: ${t} → ${q}`).toBe(colourOfBin.get(bin));
      });
    });
    // Distinct bins, distinct colours; the middle bin is the neutral grey; the removed class's own cell is in the darkest reds.
    expect(new Set(colourOfBin.values()).size).toBe(colourOfBin.size);
    expect(colourOfBin.get(DIFFERENCE_THRESHOLDS.length / 2)).toBe('#f2f2f2');
  });

  it("the removed class's row is outlined across the matrix and its name bold; changes of a point or more are written in", () => {
    panels.forEach((p, k) => {
      const c = classes[k];
      const cells = [...p.querySelectorAll('g[data-mark="cell"] rect')].filter((r) => r.querySelector('title'));
      const ownRow = cells.slice(10 * k, 10 * k + 10);
      const outline = p.querySelectorAll(`g[data-mark="cell"][stroke="${highlightColor}"][fill="none"] rect`);
      expect(outline).toHaveLength(1);
      const box = outline[0];
      const rowTop = Number(ownRow[0].getAttribute('y'));
      expect(Math.abs(Number(box.getAttribute('y')) - rowTop)).toBeLessThanOrEqual(1);
      const left = Number(ownRow[0].getAttribute('x'));
      const right = Number(ownRow[9].getAttribute('x')) + Number(ownRow[9].getAttribute('width'));
      expect(Number(box.getAttribute('width'))).toBeGreaterThanOrEqual(right - left);
      const bold = [...p.querySelectorAll('g[data-mark="y-axis tick label"][font-weight="bold"] text')].map((t) => t.textContent);
      expect(bold).toEqual([c]);
      const written = [...p.querySelectorAll('g[data-mark="text"] text')].map((t) => t.textContent).filter(Boolean);
      const moved = classes.flatMap((t) =>
        classes.map((q) => mean(seeds.map((s) => 100 * (fraction(`without-${c}`, s, t, q) - fraction('control', s, t, q))))).filter((m) => Math.abs(m) >= 1),
      );
      expect(written).toHaveLength(moved.length);
      const own = mean(seeds.map((s) => 100 * (fraction(`without-${c}`, s, c, c) - fraction('control', s, c, c))));
      expect(written).toContain(`−${Math.round(-own)}`);
    });
  });

  it('is empty for an artifact without removal masks', () => {
    expect(confusionDifferenceChart(loadFixture('add-mul'), createDocument())).toBe('');
    expect(relativeDropChart(loadFixture('add-mul'), createDocument())).toBe('');
  });
});

describe('weights kept per mask', () => {
  it('matches its golden file: one group per mask (control and the ten removal masks), a bar per layer', () => {
    const html = weightsKeptChart(fixture, createDocument(), { measure: 'share', groupBy: 'mask' });
    matchGolden('cifar10.weights-kept-by-mask', html);
    const doc = parse(html);
    // Long names wrap into one tspan per line.
    const lines = (t: Element) => [...t.querySelectorAll('tspan')].map((l) => l.textContent).join(' ') || t.textContent;
    const groups = [...doc.querySelectorAll('g[data-mark="fx-axis tick label"] text')].map(lines);
    expect(groups).toEqual(['control', ...classes.map((c) => `without ${c}`)]);
    expect(doc.querySelectorAll('g[data-mark="bar"] rect')).toHaveLength(11 * fixture.layers.length);
  });
});
