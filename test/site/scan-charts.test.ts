// Golden and structural tests of the SCAN charts (split accuracies, per-token
// removal) and of the weights-kept chart's share mode, drawn from the scan
// fixture. The structural checks recompute the means from the raw rows, so a
// chart that reads the wrong column or eval set fails even if its golden file
// was regenerated.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { createDocument, scanSplitChart, tokenRemovalChart, weightsKeptChart } from '../../src/lib/charts/index.ts';
import { percentMeanStd } from '../../src/lib/format.ts';
import { LAKE_BARONI_2018 } from '../../src/lib/scan.ts';
import { summarise } from '../../src/lib/stats.ts';
import { loadFixture } from './fixture-artifacts.ts';
import { matchGolden } from './golden.ts';

const scan = loadFixture('scan');
const SPLITS = [
  { id: 'jump', label: 'Jump' },
  { id: 'length', label: 'Length' },
  { id: 'turn_left', label: 'Turn left' },
];

const parse = (html: string) => parseHTML(`<div id="root">${html}</div>`).document;
const accuracies = (a: ResultArtifact, column: string, evalSet: string) =>
  a.tables.accuracy.filter((r) => r.column === column && r.evalSet === evalSet).map((r) => r.accuracy);
/** The tooltip texts of the bars (Plot writes a <title> per bar). */
const barTitles = (doc: Document) => [...doc.querySelectorAll('g[data-mark="bar"] rect title')].map((t) => t.textContent ?? '');

describe('SCAN split accuracy chart', () => {
  const html = scanSplitChart(scan, createDocument());
  const doc = parse(html);

  it('matches its golden file and is deterministic', () => {
    tokenRemovalChart(scan, createDocument());
    expect(scanSplitChart(scan, createDocument())).toBe(html);
    expect(html).not.toMatch(/plot-(clip|marker|pattern)-(?!1\b)\d+/);
    matchGolden('scan.scan-splits', html);
  });

  it('draws before / after / from scratch per split from the right cells, as mean ± std over seeds', () => {
    const titles = barTitles(doc);
    for (const s of SPLITS) {
      const cells = { 'before: i.i.d. mask': 'simple', "after: the split's own mask": s.id, 'trained on the split from scratch': `scratch:${s.id}` };
      for (const [name, column] of Object.entries(cells)) {
        const expected = `${s.label} test, ${name}: ${percentMeanStd(summarise(accuracies(scan, column, s.id)))} (3 seeds)`;
        expect(titles, expected).toContain(expected);
      }
    }
  });

  it('marks Lake & Baroni beside ours as a dashed reference bar with its value, one per split', () => {
    // Faceted marks carry their constant styles on a group per facet.
    const refs = [...doc.querySelectorAll('g[data-mark="bar"] g[stroke-dasharray] rect title')].map((t) => t.textContent);
    expect(refs).toHaveLength(3);
    for (const [i, s] of SPLITS.entries()) expect(refs[i]).toContain(`${s.label} test, ${LAKE_BARONI_2018.source}`);
    const labels = [...doc.querySelectorAll('g[data-mark="text"] text')].map((t) => t.textContent);
    expect(labels).toEqual(expect.arrayContaining(['≈1.0%', '≈14%', '≈90%']));
    expect(doc.querySelector('.legend-title')?.parentElement?.textContent).toContain('Lake & Baroni 2018 (reference, LSTM from scratch)');
  });

  it('one dot per seed and cell, and the i.i.d. test context (unmasked, i.i.d. mask) in its own plot', () => {
    const [main, context] = [...doc.querySelectorAll('.chart-row svg')].filter((svg) => svg.querySelector('g[data-mark="bar"]'));
    expect(main.querySelectorAll('g[data-mark="dot"] circle').length).toBe(3 * 3 * 3);
    const contextTitles = [...context.querySelectorAll('g[data-mark="bar"] rect title')].map((t) => t.textContent);
    expect(contextTitles).toEqual([
      `unmasked on the i.i.d. test set: ${percentMeanStd(summarise(accuracies(scan, 'unmasked', 'iid')))} (3 seeds)`,
      `i.i.d. mask on the i.i.d. test set: ${percentMeanStd(summarise(accuracies(scan, 'simple', 'iid')))} (3 seeds)`,
    ]);
  });

  it('leaves out bars whose column is missing, and is empty for an artifact without split columns', () => {
    const partial = { ...scan, tables: { ...scan.tables, accuracy: scan.tables.accuracy.filter((r) => r.column !== 'scratch:length') } };
    const titles = barTitles(parse(scanSplitChart(partial, createDocument())));
    expect(titles.filter((t) => t.startsWith('Length test, trained'))).toEqual([]);
    expect(titles.filter((t) => t.startsWith('Jump test, trained'))).toHaveLength(1);
    expect(scanSplitChart(loadFixture('add-mul'), createDocument())).toBe('');
  });
});

describe('per-output-token removal chart', () => {
  const html = tokenRemovalChart(scan, createDocument(), { highlight: ['I_JUMP'] });
  const doc = parse(html);
  const rows = scan.tables.tokenRemoval!;

  it('matches its golden file and is deterministic', () => {
    scanSplitChart(scan, createDocument());
    expect(tokenRemovalChart(scan, createDocument(), { highlight: ['I_JUMP'] })).toBe(html);
    matchGolden('scan.token-removal', html);
  });

  it('one bar per (mask, token) with the mean ± std over seeds, one dot per row', () => {
    const titles = barTitles(doc);
    expect(titles).toHaveLength(3 * 7);
    for (const s of SPLITS) {
      const shares = rows.filter((r) => r.mask === s.id && r.token === 'I_JUMP').map((r) => r.share);
      expect(titles.find((t) => t.startsWith(`${s.label} mask, I_JUMP:`))).toContain(`removes ${percentMeanStd(summarise(shares))}`);
    }
    expect(doc.querySelectorAll('g[data-mark="dot"] circle').length).toBe(rows.length);
  });

  it('I_JUMP stands out: its own colour in every panel, and a bold label', () => {
    const fills = [...doc.querySelectorAll('g[data-mark="bar"] rect')].map((r) => ({
      fill: r.getAttribute('fill'),
      jump: (r.querySelector('title')?.textContent ?? '').includes(', I_JUMP:'),
    }));
    const jumpFills = new Set(fills.filter((f) => f.jump).map((f) => f.fill));
    const otherFills = new Set(fills.filter((f) => !f.jump).map((f) => f.fill));
    expect(jumpFills.size).toBe(1);
    expect(otherFills.size).toBe(1);
    expect([...jumpFills][0]).not.toBe([...otherFills][0]);
    const boldTicks = (d: Document) => [...d.querySelectorAll('g[data-mark="y-axis tick label"] g[font-weight="bold"] text')].map((t) => t.textContent);
    const allTicks = (d: Document) => [...d.querySelectorAll('g[data-mark="y-axis tick label"] text')].map((t) => t.textContent).sort();
    expect(boldTicks(doc)).toEqual(['I_JUMP']);
    expect(allTicks(doc)).toEqual([...new Set(rows.map((r) => r.token))].sort());
    // Without a highlight nothing is singled out, and every token is still named.
    const plain = parse(tokenRemovalChart(scan, createDocument()));
    expect(boldTicks(plain)).toEqual([]);
    expect(allTicks(plain)).toEqual(allTicks(doc));
  });

  it('is empty for an artifact without a token-removal table', () => {
    expect(tokenRemovalChart(loadFixture('add-mul'), createDocument())).toBe('');
  });
});

describe('weights kept as a share of each layer', () => {
  it('matches its golden file, puts bars in percent and keeps the counts in the tooltips', () => {
    const html = weightsKeptChart(scan, createDocument(), { measure: 'share' });
    matchGolden('scan.weights-kept-share', html);
    const doc = parse(html);
    const ticks = [...doc.querySelectorAll('g[data-mark="y-axis tick label"] text')].map((t) => Number(t.textContent));
    expect(Math.max(...ticks)).toBe(100);
    expect(barTitles(doc).every((t) => /weights kept \(\d+\.\d\d%\)/.test(t))).toBe(true);
  });
});
