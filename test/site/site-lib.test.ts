// Pure helpers behind the components: the accuracy grid (both layouts), the
// display size of mask pictures, config values quoted in prose, nav labels,
// verdicts and the claims/checks tally.
import { describe, expect, it } from 'vitest';
import type { AccuracyRow } from '../../experiments/artifacts/schema.ts';
import { accuracyGrid } from '../../src/lib/accuracy-grid.ts';
import { navLabel } from '../../src/lib/artifact-lookup.ts';
import { configValue, formatConfigValue } from '../../src/lib/config-value.ts';
import { pictureSize } from '../../src/lib/picture-size.ts';
import { addTallies, checksSentence, claimsSentence, declaredSentence, mark, notExpectedPhrase, tally, verdict } from '../../src/lib/verdict.ts';

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
  const before = { at: '2026-11-26T02:27:01.000Z', relative: 'before-run' as const };
  const after = { at: '2026-12-01T17:15:00.000Z', relative: 'after-run' as const, reason: 'the premise was added after the run' };
  const claim = { kind: 'claim' as const, expected: true, declared: before };

  it('says whether a claim reproduced, and keeps the measured reason apart from the short note', () => {
    expect(verdict({ ...claim, verdict: 'holds' })).toEqual({
      kind: 'ok',
      label: '✓ reproduced',
      type: 'headline claim',
      note: undefined,
      reason: undefined,
      declared: { relative: 'before-run', date: '2026-11-26', text: 'Expectation declared before the run (2026-11-26)', reason: undefined },
    });
    expect(verdict({ ...claim, verdict: 'fails' })).toMatchObject({ kind: 'bad', label: '✗ not reproduced' });
    const known = verdict({ ...claim, verdict: 'fails', expected: false, expectation: 'measured: too few steps' });
    expect(known).toMatchObject({ kind: 'known', label: '✗ not reproduced', note: 'Not expected at this scale', reason: 'measured: too few steps' });
    expect(verdict({ ...claim, verdict: 'holds', expected: false }).note).toBe('Not expected at this scale');
  });

  it('a check holds or does not hold; it never "reproduces"', () => {
    expect(verdict({ ...claim, kind: 'check', verdict: 'holds' })).toMatchObject({ kind: 'ok', label: '✓ holds', type: 'check' });
    expect(verdict({ ...claim, kind: 'check', verdict: 'fails' })).toMatchObject({ kind: 'bad', label: '✗ does not hold', type: 'check' });
    expect(mark({ kind: 'check', verdict: 'fails' })).toEqual({ symbol: '✗', className: 'mark-bad', name: 'does not hold' });
  });

  it('a verdict whose premise does not hold is "not applicable", never ✓, and says what was missing', () => {
    const na = verdict({ ...claim, verdict: 'n/a', premise: 'the jump accuracy collapses', expected: false, expectation: 'x', declared: after });
    expect(na).toMatchObject({ kind: 'na', label: '— not applicable', premise: 'the jump accuracy collapses', note: 'Not expected at this scale' });
    expect(na.label).not.toContain('✓');
    expect(mark({ kind: 'claim', verdict: 'n/a' })).toEqual({ symbol: '—', className: 'mark-na', name: 'not applicable' });
  });

  it('dates the declaration, and gives the reason only when it came after the run', () => {
    expect(verdict({ ...claim, verdict: 'holds', declared: after }).declared).toEqual({
      relative: 'after-run',
      date: '2026-12-01',
      text: 'Expectation declared after a run had shown the outcome (2026-12-01)',
      reason: 'the premise was added after the run',
    });
    expect(verdict({ ...claim, verdict: 'holds', declared: { ...before, reason: 'stray' } }).declared.reason).toBeUndefined();
  });
});

describe('tally', () => {
  const d = (relative: 'before-run' | 'after-run') => ({ at: '2026-11-26T00:00:00.000Z', relative });
  // SCAN at quick: four checks that hold, one claim reproduced, two not (not expected), one n/a.
  const scan = [
    ...Array.from({ length: 4 }, () => ({ kind: 'check' as const, verdict: 'holds' as const, expected: true, declared: d('before-run') })),
    { kind: 'claim' as const, verdict: 'fails' as const, expected: false, declared: d('after-run') },
    { kind: 'claim' as const, verdict: 'fails' as const, expected: false, declared: d('after-run') },
    { kind: 'claim' as const, verdict: 'n/a' as const, expected: false, declared: d('after-run') },
    { kind: 'claim' as const, verdict: 'holds' as const, expected: true, declared: d('before-run') },
  ];

  it('counts claims and checks apart; n/a is neither reproduced nor failed', () => {
    const t = tally(scan);
    expect(t.claims).toEqual({ total: 4, held: 1, failed: 2, notApplicable: 1, failedNotExpected: 2, heldNotExpected: 0 });
    expect(t.checks).toEqual({ total: 4, held: 4, failed: 0, notApplicable: 0, failedNotExpected: 0, heldNotExpected: 0 });
    expect(t.declaredAfterRun).toBe(3);
    expect(t.findings).toBe(8);
  });

  it('says it in words, claims first and checks apart', () => {
    const t = tally(scan);
    expect(claimsSentence(t.claims, 'quick')).toBe(
      "1 of 4 of the paper's headline claims reproduces in the quick profile (2 not reproduced, both not expected at this scale; 1 not applicable).",
    );
    expect(checksSentence(t.checks)).toBe('4 of 4 checks hold.');
    expect(declaredSentence(t)).toBe('3 of 8 expectations were declared after a run had shown the outcome.');
    const addMul = tally([
      { kind: 'check', verdict: 'holds', expected: true, declared: d('before-run') },
      { kind: 'check', verdict: 'fails', expected: false, declared: d('after-run') },
      { kind: 'check', verdict: 'fails', expected: true, declared: d('before-run') },
      ...Array.from({ length: 4 }, () => ({ kind: 'claim' as const, verdict: 'holds' as const, expected: true, declared: d('before-run') })),
    ]);
    expect(claimsSentence(addMul.claims, 'quick')).toBe("4 of 4 of the paper's headline claims reproduce in the quick profile.");
    expect(checksSentence(addMul.checks)).toBe('1 of 3 checks holds (2 do not, 1 of them not expected at this scale).');
    expect(declaredSentence(tally([]))).toBe('');
    expect(claimsSentence(tally([]).claims, 'ci')).toBe("None of the paper's headline claims is tested here in the ci profile.");
  });

  it('adds up over experiments (the home page total)', () => {
    const total = addTallies([tally(scan), tally(scan)]);
    expect(total.claims).toEqual({ total: 8, held: 2, failed: 4, notApplicable: 2, failedNotExpected: 4, heldNotExpected: 0 });
    expect(total.declaredAfterRun).toBe(6);
    expect(claimsSentence(total.claims, 'quick')).toBe(
      "2 of 8 of the paper's headline claims reproduce in the quick profile (4 not reproduced, all 4 not expected at this scale; 2 not applicable).",
    );
    expect(notExpectedPhrase({ failed: 3, failedNotExpected: 0 })).toBe('');
  });

  it('says when findings held though declared not expected at this scale (SCAN at long)', () => {
    const long = tally([
      ...Array.from({ length: 3 }, () => ({ kind: 'claim' as const, verdict: 'holds' as const, expected: false, declared: d('before-run') })),
      { kind: 'claim' as const, verdict: 'holds' as const, expected: true, declared: d('before-run') },
    ]);
    expect(long.claims.heldNotExpected).toBe(3);
    expect(claimsSentence(long.claims, 'long')).toBe(
      "4 of 4 of the paper's headline claims reproduce in the long profile (3 held though declared not expected at this scale).",
    );
  });
});
