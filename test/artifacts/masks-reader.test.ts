// The documented masks.bin reader against the writer's packing and against a
// published artifact: every mask read back bit-exactly, its count equal to the
// artifact's weights-kept row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMask, type MaskEntry } from '../../experiments/artifacts/masks-reader.ts';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { packBits } from '../../experiments/masking/binary-mask.ts';

describe('masks.bin reader', () => {
  it('reads back a hand-made mask bit for bit, row-major, least significant bit first', () => {
    const rows = 3,
      cols = 5;
    const mask = Uint8Array.from({ length: rows * cols }, (_, i) => (i % 3 === 0 || i === 14 ? 1 : 0));
    const first = packBits(new Uint8Array(9).fill(1));
    const second = packBits(mask);
    const bin = new Uint8Array([...first, ...second]);
    const entries: MaskEntry[] = [
      { seed: 1, mask: 'a', layer: 'l1', shape: [3, 3], offset: 0, bytes: first.length, kept: 9 },
      { seed: 1, mask: 'b', layer: 'l1', shape: [rows, cols], offset: first.length, bytes: second.length, kept: 6 },
    ];
    const m = readMask({ maskFile: { entries } }, bin, { seed: 1, mask: 'b', layer: 'l1' });
    expect(Array.from(m.bits)).toEqual(Array.from(mask));
    expect(m.at(2, 4)).toBe(1);
    expect(m.at(0, 1)).toBe(0);
    expect(m.at(1, 1)).toBe(1); // i = 6
    expect(() => readMask({ maskFile: { entries } }, bin, { seed: 2, mask: 'b', layer: 'l1' })).toThrow(/no mask b of layer l1, seed 2/);
    expect(() => readMask({ maskFile: { entries: [{ ...entries[1], kept: 7 }] } }, bin, { seed: 1, mask: 'b', layer: 'l1' })).toThrow(
      /6 bits set, the index says 7/,
    );
  });

  it("reads every mask of a published artifact; each count is the artifact's weights-kept row", () => {
    const dir = join(import.meta.dirname, '../../content/results/quick/add-mul');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultArtifact;
    const bin = new Uint8Array(readFileSync(join(dir, result.maskFile.file)));
    let checked = 0;
    for (const e of result.maskFile.entries) {
      const m = readMask(result, bin, e);
      const [variant, mask] = e.mask.includes('/') ? e.mask.split('/') : ['normal', e.mask];
      const row = result.tables.weightsKept.find((r) => r.seed === e.seed && r.variant === variant && r.mask === mask && r.layer === e.layer);
      expect(row, `${e.mask} ${e.layer}`).toBeDefined();
      expect(m.kept).toBe(row!.kept);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
