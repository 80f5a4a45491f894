// The committed fixture artifacts are schema-valid and exactly what the
// generator writes today (so regenerating them never produces a surprise diff).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixtures } from '../fixtures/make-fixture.ts';
import { unionOfTasksBefore } from '../../src/lib/permuted-mnist.ts';
import { fixtureExperiments, fixtureResults, loadFixture } from './fixture-artifacts.ts';

async function listFiles(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe('fixture artifacts', () => {
  const tmp = mkdtemp(path.join(os.tmpdir(), 'fixtures-'));
  afterAll(async () => rm(await tmp, { recursive: true, force: true }));

  it.each(fixtureExperiments)('%s parses with the shared schema and its tables reference known masks and layers', (experiment) => {
    const a = loadFixture(experiment);
    const masks = new Set(a.masks.map((m) => m.id));
    const layers = new Set(a.layers.map((l) => l.id));
    for (const r of a.tables.weightsKept) expect(masks.has(r.mask) && layers.has(r.layer)).toBe(true);
    // b may be the union of the masks before a (permuted MNIST: "before T3"), as src/lib/permuted-mnist.ts reads it.
    const known = (id: string, a: string) => masks.has(id) || id === unionOfTasksBefore(a);
    for (const r of a.tables.overlap) expect(masks.has(r.a) && known(r.b, r.a) && layers.has(r.layer)).toBe(true);
  });

  it.each(fixtureExperiments)('%s masks.bin matches its entries (offsets, sizes, kept bits)', async (experiment) => {
    const a = loadFixture(experiment);
    const bin = await readFile(path.join(fixtureResults, 'quick', experiment, a.maskFile.file));
    let end = 0;
    for (const e of a.maskFile.entries) {
      const bytes = bin.subarray(e.offset, e.offset + e.bytes);
      expect(e.bytes).toBe(Math.ceil(e.shape.reduce((x, y) => x * y, 1) / 8));
      let ones = 0;
      for (const b of bytes) for (let i = 0; i < 8; i++) ones += (b >> i) & 1;
      expect(ones).toBe(e.kept);
      end = Math.max(end, e.offset + e.bytes);
    }
    expect(end).toBe(bin.length);
  });

  it('regenerating gives byte-identical files', async () => {
    const dir = await tmp;
    await makeFixtures(dir);
    const committed = await listFiles(path.join(fixtureResults, 'quick'));
    expect(await listFiles(path.join(dir, 'quick'))).toEqual(committed);
    for (const file of committed) {
      const [a, b] = await Promise.all([readFile(path.join(dir, 'quick', file)), readFile(path.join(fixtureResults, 'quick', file))]);
      expect(a.equals(b), `${file} differs: rerun npx tsx test/fixtures/make-fixture.ts`).toBe(true);
    }
  });
});
