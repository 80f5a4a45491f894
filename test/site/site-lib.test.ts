// Pure helpers behind the components: the accuracy grid (both layouts), the
// display size of mask pictures, config values quoted in prose, nav labels, verdicts.
import { describe, expect, it } from 'vitest';
import type { AccuracyRow } from '../../experiments/artifacts/schema.ts';
import { accuracyGrid } from '../../src/lib/accuracy-grid.ts';
import { navLabel } from '../../src/lib/artifact-lookup.ts';
import { configValue, formatConfigValue } from '../../src/lib/config-value.ts';
import { pictureSize } from '../../src/lib/picture-size.ts';
import { verdict } from '../../src/lib/verdict.ts';

const rows: AccuracyRow[] = [
  { seed: 1, variant: 'normal', column: 'unmasked', evalSet: 'a', accuracy: 0.9 },
  { seed: 1, variant: 'normal', column: 'unmasked', evalSet: 'b', accuracy: 0.8 },
  { seed: 1, variant: 'normal', column: 'm1', evalSet: 'a', accuracy: 0.5 },
  { seed: 1, variant: 'normal', column: 'm1', evalSet: 'b', accuracy: 0.4 },
  { seed: 1, variant: 'normal', column: 'scratch:m1', evalSet: 'a', accuracy: 0.1 },
  { seed: 2, variant: 'normal', column: 'unmasked', evalSet: 'a', accuracy: 0.7 },
];

describe('accuracyGrid', () => {
  it('masks as rows by default: eval sets as "on <set>" columns, mean ± std cells, – where missing', () => {
    const g = accuracyGrid(rows);
    expect(g.corner).toBe('Mask used');
    expect(g.groups).toEqual([]);
    expect(g.columns).toEqual(['on a', 'on b']);
    expect(g.rows.map((r) => [r.label, ...r.cells.map((c) => c.text)])).toEqual([
      ['unmasked', '80.0 ± 14.1%', '80.0%'],
      ['m1', '50.0%', '40.0%'],
      ['scratch:m1', '10.0%', '–'],
    ]);
  });

  it('masks as columns: transposed, with labels, header groups over consecutive columns, order and highlights', () => {
    const g = accuracyGrid(rows, {
      masksAs: 'columns',
      columnLabel: (c) => c.toUpperCase(),
      evalSetLabel: (e) => `${e} test`,
      columnGroup: (c) => (c.startsWith('scratch:') ? 'from scratch' : 'pre-trained'),
      evalSetOrder: ['b'],
      highlight: (c, e) => c === 'm1' && e === 'a',
    });
    expect(g.corner).toBe('Evaluated on');
    expect(g.columns).toEqual(['UNMASKED', 'M1', 'SCRATCH:M1']);
    expect(g.groups).toEqual([
      { label: 'pre-trained', span: 2 },
      { label: 'from scratch', span: 1 },
    ]);
    expect(g.rows.map((r) => [r.label, ...r.cells.map((c) => c.text)])).toEqual([
      ['b test', '80.0%', '40.0%', '–'],
      ['a test', '80.0 ± 14.1%', '50.0%', '10.0%'],
    ]);
    expect(g.rows.flatMap((r) => r.cells.filter((c) => c.highlight).map((c) => `${r.label}/${c.text}`))).toEqual(['a test/50.0%']);
  });
});

describe('pictureSize', () => {
  it('thumbnails: whole-number enlargement to about 320 px, too-large pictures scaled to the column', () => {
    expect(pictureSize({ width: 8, height: 8 })).toEqual({ width: 320, height: 320, stretch: 1 });
    expect(pictureSize({ width: 64, height: 24 })).toEqual({ width: 320, height: 120, stretch: 1 });
    expect(pictureSize({ width: 512, height: 144 })).toEqual({ width: 512, height: 144, stretch: 1 });
    expect(pictureSize({ width: 1760, height: 100 })).toEqual({ width: 880, height: 50, stretch: 1 });
  });

  it('wide: as wide as the column allows, capped in height', () => {
    expect(pictureSize({ width: 128, height: 7 }, { wide: true })).toEqual({ width: 768, height: 42, stretch: 1 });
    expect(pictureSize({ width: 16, height: 7 }, { wide: true })).toEqual({ width: 480, height: 210, stretch: 1 });
  });

  it('labelled rows: room for the labels, rows at least 18 px tall in whole multiples, the stretch reported', () => {
    // SCAN quick: 128 hidden units × 7 tokens; paper: 200 × 7.
    expect(pictureSize({ width: 128, height: 7 }, { wide: true, labelledRows: true })).toEqual({ width: 768, height: 126, stretch: 3 });
    expect(pictureSize({ width: 200, height: 7 }, { wide: true, labelledRows: true })).toEqual({ width: 600, height: 126, stretch: 6 });
    expect(pictureSize({ width: 16, height: 7 }, { wide: true, labelledRows: true })).toEqual({ width: 480, height: 210, stretch: 1 });
  });
});

describe('config values in prose', () => {
  const config = { seeds: [1, 2, 3], model: { hidden: 128 }, pretrain: { steps: 5000 }, mask: { beta: 7.5e-6 }, testLimit: null };

  it('follows dotted paths, including array lengths; missing paths are undefined', () => {
    expect(configValue(config, 'model.hidden')).toBe(128);
    expect(configValue(config, 'seeds.length')).toBe(3);
    expect(configValue(config, 'model.layers')).toBeUndefined();
    expect(configValue(config, 'testLimit.x')).toBeUndefined();
  });

  it('formats thousands, lists and null', () => {
    expect(formatConfigValue(5000)).toBe('5,000');
    expect(formatConfigValue(128)).toBe('128');
    expect(formatConfigValue(7.5e-6)).toBe('0.0000075');
    expect(formatConfigValue([1, 2, 3])).toBe('1, 2, 3');
    expect(formatConfigValue(null, 'all')).toBe('all');
  });
});

describe('navLabel', () => {
  it('prefers the write-up title, else the artifact title up to its colon', () => {
    expect(navLabel('SCAN: which weights do the generalisation splits depend on?', 'SCAN')).toBe('SCAN');
    expect(navLabel('SCAN: which weights do the generalisation splits depend on?')).toBe('SCAN');
    expect(navLabel('Double addition', undefined)).toBe('Double addition');
    expect(navLabel('Double addition', '  ')).toBe('Double addition');
  });
});

describe('verdict', () => {
  const base = { id: 'x', claim: 'c', paper: 'p', evidence: {} };
  it('says whether a claim held, and keeps the measured reason apart from the short note', () => {
    expect(verdict({ ...base, holds: true, expected: true })).toEqual({ kind: 'ok', label: '✓ reproduced', note: undefined, reason: undefined });
    expect(verdict({ ...base, holds: false, expected: true }).kind).toBe('bad');
    const known = verdict({ ...base, holds: false, expected: false, expectation: 'measured: too few steps' });
    expect(known).toEqual({ kind: 'known', label: '✗ not reproduced', note: 'Not expected at this scale', reason: 'measured: too few steps' });
    expect(verdict({ ...base, holds: true, expected: false }).note).toBe('Not expected at this scale');
  });
});
