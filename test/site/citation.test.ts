// The reproduction's citation data comes from CITATION.cff alone: the parser
// reads its fields, and refuses a file that lacks them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCitation } from '../../src/lib/citation.ts';

describe('CITATION.cff', () => {
  it('gives the title, authors, version and release date the pages cite', () => {
    const c = parseCitation(readFileSync('CITATION.cff', 'utf8'));
    expect(c.title).toMatch(/^Are Neural Nets Modular\?/);
    expect(c.authors.length).toBeGreaterThan(0);
    expect(c.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(c.released).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reads several authors and ignores the references block', () => {
    const text =
      'title: "T"\nauthors:\n  - name: "A"\n  - name: B\nversion: 1.0.0\ndate-released: 2026-01-02\nreferences:\n  - authors:\n      - name: "Not me"\n';
    expect(parseCitation(text)).toEqual({ title: 'T', authors: ['A', 'B'], version: '1.0.0', released: '2026-01-02' });
  });

  it('names a missing field', () => {
    expect(() => parseCitation('title: "T"\nauthors:\n  - name: A\nversion: 1\n')).toThrow(/no date-released/);
    expect(() => parseCitation('title: "T"\nversion: 1\ndate-released: 2026-01-01\n')).toThrow(/names no author/);
  });
});
