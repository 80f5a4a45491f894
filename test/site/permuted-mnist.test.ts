// The permuted-MNIST site side: its conventions against the writer
// (experiments/tasks/permuted-mnist.ts), the numbers src/lib/permuted-mnist.ts
// derives against the fixture's raw rows and masks.bin, and the transfer
// sharing chart, task accuracy grid and weights-kept-by-task chart — golden
// files plus structural checks that recompute every drawn value from the rows,
// so a chart that groups, filters or scales wrongly fails even if its golden
// file was regenerated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { permutedMnist as writer, usedBefore, type PermutedMnistConfig } from '../../experiments/tasks/permuted-mnist.ts';
import { createDocument, transferSharingChart, weightsKeptChart } from '../../src/lib/charts/index.ts';
import {
  defaultSharingLayers,
  inPaperFigure,
  newInitOf,
  sharingBars,
  taskAccuracyGrid,
  taskNumber,
  unionOfTasksBefore,
  usedInitOf,
  variantHeading,
} from '../../src/lib/permuted-mnist.ts';
import { fixtureResults, loadFixture } from './fixture-artifacts.ts';
import { matchGolden } from './golden.ts';

const fixture = loadFixture('permuted-mnist');
const config = fixture.provenance.config as unknown as PermutedMnistConfig;
const variants = config.newInits.map((v) => `new-init ${v}`);
const hiddenLayers = ['layer2', 'layer3', 'layer4'];
const layerLabel = (id: string) => fixture.layers.find((l) => l.id === id)!.label;

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sampleStd = (xs: number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
const parse = (html: string) => parseHTML(`<div id="root">${html}</div>`).document;

/** Each (seed, variant/task, layer) mask unpacked from masks.bin: independent of every table. */
function masksFromBin(): Map<string, Uint8Array> {
  const bin = readFileSync(path.join(fixtureResults, 'quick/permuted-mnist', fixture.maskFile.file));
  return new Map(
    fixture.maskFile.entries.map((e) => {
      const n = e.shape[0] * e.shape[1];
      const bits = Uint8Array.from({ length: n }, (_, i) => (bin[e.offset + (i >> 3)] >> (i & 7)) & 1);
      return [`${e.seed}|${e.mask}|${e.layer}`, bits];
    }),
  );
}

/** The used mask U of a task (OR of every earlier task's mask) and the task's own mask, from masks.bin. */
function usedAndOwn(masks: Map<string, Uint8Array>, seed: number, variant: string, task: string, layer: string) {
  const p = taskNumber(task)! - 1;
  const own = masks.get(`${seed}|${variant}/${task}|${layer}`)!;
  const used = new Uint8Array(own.length);
  for (let q = 0; q < p; q++) masks.get(`${seed}|${variant}/T${q + 1}|${layer}`)!.forEach((x, i) => (used[i] |= x));
  return { used, own };
}

describe('permuted-MNIST conventions agree with the writer', () => {
  it('variants name the new-weight init, in the config order; tasks are T1 … Tn', () => {
    const masks = writer.masks(config);
    expect(
      masks
        .map((m) => m.variant)
        .filter((v, i, all) => all.indexOf(v) === i)
        .map(newInitOf),
    ).toEqual(config.newInits);
    for (const v of config.newInits) {
      expect(masks.filter((m) => newInitOf(m.variant) === v).map((m) => taskNumber(m.label))).toEqual(Array.from({ length: config.tasks }, (_, p) => p + 1));
    }
    expect(newInitOf('normal')).toBeUndefined();
    expect(usedInitOf(fixture)).toBe(config.usedInit);
  });

  it('the paper-figure tasks of the paper profile are T2, T4, T6, T8, T10', () => {
    const paper = writer.masks(writer.profiles.paper!).filter((m) => m.variant === 'new-init 2');
    expect(paper.map((m) => m.label).filter(inPaperFigure)).toEqual(['T2', 'T4', 'T6', 'T8', 'T10']);
  });

  it('overlap rows compare a task with "before <task>", as the writer names the union', () => {
    expect(unionOfTasksBefore('T3')).toBe(usedBefore('T3'));
    expect(fixture.tables.overlap.every((r) => r.b === unionOfTasksBefore(r.a))).toBe(true);
  });

  it('the first layer is the fresh one, left out of the sharing chart by default', () => {
    expect(writer.layers(config)[0].role).toMatch(/fresh for every task/);
    expect(defaultSharingLayers(fixture)).toEqual(hiddenLayers);
  });

  it("panel headings give the init as a keep probability beside the old weights' init", () => {
    expect(variantHeading('new-init -1', 2)).toBe("new-init -1: new weights' mask logits start at −1 (keep probability 0.27), old weights' at 2 (0.88)");
    expect(variantHeading('normal', 2)).toBe('normal');
  });
});

describe('sharing bars against masks.bin', () => {
  const masks = masksFromBin();
  const bars = sharingBars(fixture);

  it('one bar per variant, later task and hidden layer, in the writer order', () => {
    const later = Array.from({ length: config.tasks - 1 }, (_, p) => `T${p + 2}`);
    expect(bars.map((b) => `${b.variant}|${b.task}|${b.layer}`)).toEqual(
      variants.flatMap((v) => later.flatMap((t) => hiddenLayers.map((l) => `${v}|${t}|${l}`))),
    );
  });

  it('mean ± std of |m ∧ U| / |m| and the used share |U| / N equal what the masks give', () => {
    for (const b of bars) {
      const perSeed = config.seeds.map((seed) => {
        const { used, own } = usedAndOwn(masks, seed, b.variant, b.task, b.layer);
        const kept = own.reduce((s, x) => s + x, 0);
        const both = own.reduce((s, x, i) => s + (x & used[i]), 0);
        return { shared: kept === 0 ? 0 : both / kept, used: used.reduce((s, x) => s + x, 0) / own.length, empty: kept === 0, seed };
      });
      const where = `${b.variant} ${b.task} ${b.layer}`;
      expect(b.mean, where).toBeCloseTo(mean(perSeed.map((s) => s.shared)), 12);
      expect(b.std, where).toBeCloseTo(sampleStd(perSeed.map((s) => s.shared)), 12);
      expect(b.used!.mean, where).toBeCloseTo(mean(perSeed.map((s) => s.used)), 12);
      expect(b.emptySeeds, where).toEqual(perSeed.filter((s) => s.empty).map((s) => s.seed));
      expect(b.paper).toBe(['T2', 'T4'].includes(b.task));
    }
    // The fixture's one empty mask is found.
    expect(bars.filter((b) => b.emptySeeds.length > 0).map((b) => `${b.variant} ${b.task} ${b.layer} ${b.emptySeeds}`)).toEqual(['new-init -1 T3 layer4 3']);
  });

  it('layers and variants can be chosen; the first layer is drawn only when asked for', () => {
    expect(
      sharingBars(fixture, { layers: ['layer1', 'layer4'] })
        .map((b) => b.layer)
        .filter((l, i, a) => a.indexOf(l) === i),
    ).toEqual(['layer1', 'layer4']);
    expect(new Set(sharingBars(fixture, { variants: ['new-init 0'] }).map((b) => b.variant))).toEqual(new Set(['new-init 0']));
  });
});

describe('transfer sharing chart', () => {
  const html = transferSharingChart(fixture, createDocument());
  const doc = parse(html);
  const panels = [...doc.querySelectorAll('.chart-panel')];

  it('matches its golden file and is deterministic', () => {
    weightsKeptChart(fixture, createDocument());
    expect(transferSharingChart(fixture, createDocument())).toBe(html);
    expect(html).not.toMatch(/plot-(clip|marker|pattern)-(?!1\b)\d+/);
    expect(html).not.toContain('<canvas');
    matchGolden('permuted-mnist.transfer-sharing', html);
  });

  it('one panel per variant, headed with its init', () => {
    expect(panels.map((p) => p.querySelector('.chart-panel-title')?.textContent)).toEqual(variants.map((v) => variantHeading(v, config.usedInit)));
  });

  it('bar tooltips give the mean ± std over seeds recomputed from the overlap and weights-kept rows', () => {
    panels.forEach((p, i) => {
      const variant = variants[i];
      const titles = [...p.querySelectorAll('g[data-mark="bar"] rect title')].map((t) => t.textContent);
      const expected = Array.from({ length: config.tasks - 1 }, (_, q) => `T${q + 2}`).flatMap((task) =>
        hiddenLayers.map((layer) => {
          const rows = fixture.tables.overlap.filter((r) => r.variant === variant && r.a === task && r.layer === layer);
          const shared = rows.map((r) => r.sharedOfA);
          const kept = rows.map((r) =>
            fixture.tables.weightsKept.find((k) => k.seed === r.seed && k.variant === variant && k.mask === task && k.layer === layer)!,
          );
          const used = rows.map((r, j) => (r.union - kept[j].kept + r.intersection) / kept[j].total);
          const empty = kept.filter((k) => k.kept === 0).length;
          const emptyNote = empty > 0 ? `; ${empty} of ${rows.length} seeds kept no weight here (stored as 0)` : '';
          return `${variant}, ${task}, ${layerLabel(layer)}: shared ${mean(shared).toFixed(3)} ± ${sampleStd(shared).toFixed(3)} (${rows.length} seeds); earlier tasks used ${mean(used).toFixed(3)} of the layer${emptyNote}`;
        }),
      );
      expect(titles).toEqual(expected);
    });
  });

  it('bar heights and tick positions draw those values on a 0–1 axis', () => {
    const bars = sharingBars(fixture);
    panels.forEach((p, i) => {
      const own = bars.filter((b) => b.variant === variants[i]);
      const svg = [...p.querySelectorAll('svg')].find((s) => s.querySelector('g[data-mark="bar"]'))!;
      // The y-axis tick labels 0.0 and 1.0 give the scale in pixels.
      const ticks = [...svg.querySelectorAll('g[data-mark="y-axis tick label"] text')].map((t) => ({
        value: Number(t.textContent),
        y: Number((t.getAttribute('transform') ?? '').match(/translate\([^,]+,([^)]+)\)/)?.[1] ?? t.getAttribute('y')),
      }));
      const zero = ticks.find((t) => t.value === 0)!.y;
      const one = ticks.find((t) => t.value === 1)!.y;
      const rects = [...svg.querySelectorAll('g[data-mark="bar"] rect')];
      expect(rects).toHaveLength(own.length);
      rects.forEach((r, j) => expect(Number(r.getAttribute('height')) / (zero - one)).toBeCloseTo(own[j].mean, 2));
      const tickLines = [...svg.querySelectorAll('g[data-mark="tick"] line')];
      expect(tickLines).toHaveLength(own.length);
      tickLines.forEach((l, j) => expect((zero - Number(l.getAttribute('y1'))) / (zero - one)).toBeCloseTo(own[j].used!.mean, 2));
    });
  });

  it('a dot per seed, a red cross for the empty mask, task names bold where the paper plots them', () => {
    const rows = fixture.tables.overlap.filter((r) => hiddenLayers.includes(r.layer));
    expect(doc.querySelectorAll('g[data-mark="dot"] circle').length).toBe(rows.length - 1);
    expect(doc.querySelectorAll('g[data-mark="dot"] path').length).toBe(1);
    for (const p of panels) {
      const bold = [...p.querySelectorAll('g[data-mark="text"][font-weight="bold"] text, g[data-mark="text"] g[font-weight="bold"] text')].map(
        (t) => t.textContent,
      );
      const all = [...p.querySelectorAll('g[data-mark="text"] text')].map((t) => t.textContent);
      expect(bold).toEqual(['T2', 'T4']);
      expect([...all].sort()).toEqual(['T2', 'T3', 'T4', 'T5']);
    }
    expect(doc.querySelector('.legend-title')?.parentElement?.textContent).toContain('share of the layer earlier tasks used');
  });

  it('draws the first layer when asked, and is empty without union rows', () => {
    const withFirst = parse(transferSharingChart(fixture, createDocument(), { layers: ['layer1', ...hiddenLayers] }));
    const titles = [...withFirst.querySelectorAll('g[data-mark="bar"] rect title')].map((t) => t.textContent ?? '');
    expect(titles.filter((t) => t.includes(layerLabel('layer1')))).toHaveLength(variants.length * (config.tasks - 1));
    expect(html).not.toContain(layerLabel('layer1'));
    // add-mul's overlap rows compare two masks, not a task with the union before it.
    expect(transferSharingChart(loadFixture('add-mul'), createDocument())).toBe('');
  });
});

describe('task accuracy grid', () => {
  const grid = taskAccuracyGrid(fixture);

  it('one row per variant, one column per task: mean ± std of the task under its own mask', () => {
    expect(grid.tasks).toEqual(Array.from({ length: config.tasks }, (_, p) => `T${p + 1}`));
    expect(grid.rows.map((r) => r.variant)).toEqual(variants);
    for (const r of grid.rows) {
      r.cells.forEach((c, i) => {
        const values = fixture.tables.accuracy
          .filter((a) => a.variant === r.variant && a.column === grid.tasks[i] && a.evalSet === grid.tasks[i])
          .map((a) => a.accuracy);
        expect(c!.mean).toBeCloseTo(mean(values), 12);
        expect(c!.std).toBeCloseTo(sampleStd(values), 12);
        expect(c!.n).toBe(config.seeds.length);
      });
    }
  });

  it("the worst task is the number the writer's finding reads", () => {
    const evidence = Object.assign({}, ...fixture.findings.filter((f) => f.id.startsWith('tasks-learned')).map((f) => f.evidence));
    for (const r of grid.rows) expect(r.worstTask).toBeCloseTo(evidence[`worst task, ${r.variant}`], 4);
  });
});

describe('weights kept grouped by task', () => {
  const html = weightsKeptChart(fixture, createDocument(), { measure: 'share', groupBy: 'mask' });
  const doc = parse(html);

  it('matches its golden file', () => {
    matchGolden('permuted-mnist.weights-kept-by-task', html);
  });

  it("groups are the tasks, bars the layers in the sharing chart's layer colours, tooltips the counts", () => {
    const panels = [...doc.querySelectorAll('.chart-panel')];
    expect(panels.map((p) => p.querySelector('.chart-panel-title')?.textContent)).toEqual(variants.map((v) => `Variant: ${v}`));
    for (const p of panels) {
      const groups = [...p.querySelectorAll('g[data-mark="fx-axis tick label"] text')].map((t) => t.textContent);
      expect(groups).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
      expect(p.querySelectorAll('g[data-mark="bar"] rect').length).toBe(config.tasks * fixture.layers.length);
    }
    const first = [...doc.querySelectorAll('g[data-mark="bar"] rect')][0].querySelector('title')!.textContent!;
    const rows = fixture.tables.weightsKept.filter((r) => r.variant === variants[0] && r.mask === 'T1' && r.layer === 'layer1');
    expect(first).toContain(`T1, ${layerLabel('layer1')}: ${Math.round(mean(rows.map((r) => r.kept))).toLocaleString('en-US')} ± `);
    // Layer 2 has one colour here and in the sharing chart.
    const fillOf = (d: Document, layer: string) =>
      new Set(
        [...d.querySelectorAll('g[data-mark="bar"] rect')]
          .filter((r) => r.querySelector('title')?.textContent?.includes(`, ${layerLabel(layer)}:`))
          .map((r) => r.getAttribute('fill')),
      );
    const sharing = parse(transferSharingChart(fixture, createDocument()));
    expect(fillOf(doc, 'layer2').size).toBe(1);
    expect(fillOf(doc, 'layer2')).toEqual(fillOf(sharing, 'layer2'));
  });
});
