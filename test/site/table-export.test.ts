// Every chart's tables as downloads: CSV that a spreadsheet reads back to the
// same rows, the derived tables beside the stored ones, and nothing for an
// empty table.
import { describe, expect, it } from 'vitest';
import { exportedTables, toCsv } from '../../src/lib/table-export.ts';
import { fixtureExperiments, loadFixture } from './fixture-artifacts.ts';

/** A small RFC 4180 reader, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += ch;
  }
  return rows;
}

describe('table downloads', () => {
  it('CSV: header of every key, cells that read back, quoting where needed', () => {
    const rows = [
      { a: 1, b: 'x, "y"' },
      { a: 2, c: ['l1', 'l2'] },
    ];
    const csv = toCsv(rows);
    expect(parseCsv(csv)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', ''],
      ['2', '', 'l1;l2'],
    ]);
  });

  it.each(fixtureExperiments)('%s: every non-empty table, rows intact, and the derived ones where their source exists', (id) => {
    const artifact = loadFixture(id);
    const tables = exportedTables(artifact);
    for (const [name, rows] of Object.entries(artifact.tables)) {
      if (Array.isArray(rows) && rows.length > 0) expect(tables.get(name)).toBe(rows);
      else expect(tables.has(name)).toBe(false);
    }
    expect(tables.has('confusion-official')).toBe((artifact.tables.confusion ?? []).length > 0);
    for (const rows of tables.values()) {
      const parsed = parseCsv(toCsv(rows));
      expect(parsed).toHaveLength(rows.length + 1);
    }
  });
});
