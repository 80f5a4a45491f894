// Aggregation and normalisation helpers behind every chart and table.
import { describe, expect, it } from 'vitest';
import { normalizeSvg } from '../../src/lib/charts/render.ts';
import { evidenceNumber, percentMeanStd } from '../../src/lib/format.ts';
import { groupSummary, orderOfAppearance, summarise } from '../../src/lib/stats.ts';

describe('summarise', () => {
  it('uses the sample standard deviation (n − 1), as the paper', () => {
    const s = summarise([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.n).toBe(4);
  });

  it('has no std for a single seed, and the formatted cell says so', () => {
    const s = summarise([0.5]);
    expect(s.std).toBeNaN();
    expect(percentMeanStd(s)).toBe('50.0%');
    expect(percentMeanStd(summarise([0.5, 0.7]))).toBe('60.0 ± 14.1%');
  });
});

describe('grouping', () => {
  const rows = [
    { seed: 1, column: 'Full', evalSet: '+', v: 1 },
    { seed: 1, column: '+', evalSet: '+', v: 0.5 },
    { seed: 2, column: 'Full', evalSet: '+', v: 0 },
  ];

  it('keeps the order of first appearance', () => {
    expect(orderOfAppearance(rows, (r) => r.column)).toEqual(['Full', '+']);
  });

  it('summarises per group', () => {
    const g = groupSummary(rows, ['column', 'evalSet'], (r) => r.v);
    expect(g.map((x) => [x.column, x.evalSet, x.mean, x.n])).toEqual([
      ['Full', '+', 0.5, 2],
      ['+', '+', 0.5, 1],
    ]);
  });
});

describe('normalizeSvg', () => {
  it('renumbers Plot clip ids per chart and rounds coordinates inside tags only', () => {
    const html =
      '<clipPath id="plot-clip-17"></clipPath><g clip-path="url(#plot-clip-17)" transform="translate(1.23456,2)"><title>0.123456</title></g><clipPath id="plot-clip-18">';
    expect(normalizeSvg(html)).toBe(
      '<clipPath id="plot-clip-1"></clipPath><g clip-path="url(#plot-clip-1)" transform="translate(1.23,2)"><title>0.123456</title></g><clipPath id="plot-clip-2">',
    );
  });
});

describe('evidenceNumber', () => {
  it('prints integers whole and other values with three significant digits', () => {
    expect(evidenceNumber(12345)).toBe('12,345');
    expect(evidenceNumber(0.912345)).toBe('0.912');
    expect(evidenceNumber(1.5477)).toBe('1.55');
    expect(evidenceNumber(7.8125e-7)).toBe('7.81e-7');
  });
});
