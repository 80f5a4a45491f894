// The site's reading of the SCAN artifact (src/lib/scan.ts) against the writer
// it restates (experiments/tasks/scan.ts, analysis/scan-eval.ts), and its
// numbers against the fixture's raw rows.
import { describe, expect, it } from 'vitest';
import { TEST_SET_OF } from '../../experiments/analysis/scan-eval.ts';
import { OUTPUT_TOKEN_NAMES } from '../../experiments/data/scan/vocabulary.ts';
import { OWN_TRAIN as WRITER_OWN_TRAIN } from '../../experiments/analysis/scan-eval.ts';
import { scan as writer, SCAN_STAGES, scratchColumn as writerScratchColumn } from '../../experiments/tasks/scan.ts';
import {
  iidContextBars,
  IID_TEST,
  isSplitChartCell,
  LAKE_BARONI_2018,
  outputTokens,
  OWN_TRAIN,
  referenceMask,
  scanColumnGroup,
  scanColumnLabel,
  scanEvalSetLabel,
  scanSplits,
  scratchColumn,
  splitBars,
} from '../../src/lib/scan.ts';
import { loadFixture } from './fixture-artifacts.ts';

const fixture = loadFixture('scan');
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

describe('SCAN conventions agree with the writer', () => {
  const masks = writer.masks({} as never);

  it('reference mask first, then the splits; each split test set has the split id; from-scratch columns', () => {
    const artifact = { masks, tables: fixture.tables };
    expect(referenceMask(artifact)?.id).toBe(SCAN_STAGES[0].id);
    expect(TEST_SET_OF[SCAN_STAGES[0].id]).toBe(IID_TEST);
    const splits = scanSplits(artifact);
    expect(splits.map((s) => s.id)).toEqual(SCAN_STAGES.slice(1).map((s) => s.id));
    for (const s of splits) {
      expect(s.testSet).toBe(TEST_SET_OF[s.id as keyof typeof TEST_SET_OF]);
      expect(s.scratchColumn).toBe(writerScratchColumn(s.id as never));
      expect(scratchColumn(s.id)).toBe(writerScratchColumn(s.id as never));
    }
  });

  it('the own-training-set eval set is named as the writer names it', () => {
    expect(OWN_TRAIN).toBe(WRITER_OWN_TRAIN);
  });

  it('Lake & Baroni reference values are the ones the writer records as text', () => {
    const ref = writer.references.find((r) => r.source.startsWith('Lake & Baroni'))!;
    const names = ref.quantity
      .split(':')[1]
      .split('/')
      .map((s) => s.trim().replace(' ', '_'));
    const values = ref.value.split('/').map((s) => Number(s.replace(/[≈%\s]/g, '')) / 100);
    expect(Object.fromEntries(names.map((n, i) => [n, values[i]]))).toEqual(LAKE_BARONI_2018.accuracy);
  });

  it('output tokens come in the writer order (the output projection columns)', () => {
    expect(outputTokens(fixture)).toEqual(OUTPUT_TOKEN_NAMES);
  });
});

describe('split bars', () => {
  const bars = splitBars(fixture);

  it('before / after / from scratch per split, each the mean over seeds of its cell', () => {
    expect(bars.map((b) => `${b.split}:${b.condition}`)).toEqual(
      ['jump', 'length', 'turn_left'].flatMap((s) => [`${s}:before`, `${s}:after`, `${s}:from scratch`]),
    );
    const cell = (column: string, evalSet: string) =>
      mean(fixture.tables.accuracy.filter((r) => r.column === column && r.evalSet === evalSet).map((r) => r.accuracy));
    for (const b of bars) {
      const column = b.condition === 'before' ? 'simple' : b.condition === 'after' ? b.split : `scratch:${b.split}`;
      expect(b.column).toBe(column);
      expect(b.evalSet).toBe(b.split);
      expect(b.mean).toBeCloseTo(cell(column, b.split), 12);
      expect(b.n).toBe(3);
      expect(b.rows.map((r) => r.seed)).toEqual([1, 2, 3]);
    }
  });

  it('the i.i.d. context is the unmasked network and the reference mask on the i.i.d. test set', () => {
    expect(iidContextBars(fixture).map((b) => [b.column, b.label, b.n])).toEqual([
      ['unmasked', 'unmasked', 3],
      ['simple', 'i.i.d. mask', 3],
    ]);
  });

  it('no bars without a reference mask or without rows of another variant', () => {
    expect(splitBars({ ...fixture, masks: [] })).toEqual([]);
    expect(splitBars(fixture, 'copy-weight')).toEqual([]);
  });
});

describe('SCAN table labels', () => {
  it('names columns, eval sets and column groups for readers', () => {
    expect(['unmasked', 'simple', 'jump', 'scratch:turn_left', 'other'].map((c) => scanColumnLabel(fixture, c))).toEqual([
      'unmasked',
      'i.i.d. mask',
      'Jump mask',
      'Turn left split',
      'other',
    ]);
    expect(['iid', 'length', OWN_TRAIN, 'x'].map((e) => scanEvalSetLabel(fixture, e))).toEqual(['i.i.d. test', 'Length test', 'own training set', 'x']);
    expect(scanColumnGroup(fixture, 'jump')).toBe('Pre-trained on i.i.d.');
    expect(scanColumnGroup(fixture, 'scratch:jump')).toBe('Trained from scratch on');
  });

  it('emphasises exactly the cells the split chart draws', () => {
    const cells = fixture.tables.accuracy.filter((r) => r.seed === 1 && isSplitChartCell(fixture, r.column, r.evalSet));
    expect(cells.map((r) => `${r.column}@${r.evalSet}`).sort()).toEqual(
      splitBars(fixture)
        .map((b) => `${b.column}@${b.evalSet}`)
        .sort(),
    );
  });
});
