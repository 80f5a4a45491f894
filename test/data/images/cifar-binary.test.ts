// The official CIFAR-10 binary record format: exact round trip of records
// (gzipped or plain), the official directory layout (given the batches folder
// or its parent), and one-line errors on malformed files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_BINARY_VARIANT, findCifarBatchesDir, loadCifarBinaryDir, parseCifarRecords } from '../../../experiments/data/images/cifar-binary.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';
import { encodeCifarRecords, patternBytes, removeTempDirs, tempDir } from './formats.ts';

afterAll(removeTempDirs);

const labelsOf = (n: number, seed: number) => Uint8Array.from(patternBytes(n, seed), (b) => b % 10);

describe('CIFAR-10 binary records', () => {
  it('round-trip exactly, plain or gzipped, any number of records', () => {
    for (const n of [1, 7]) {
      const labels = labelsOf(n, n);
      const images = patternBytes(n * 3072, 10 + n);
      const records = encodeCifarRecords(labels, images);
      for (const bytes of [records, gzipSync(records)]) {
        const split = parseCifarRecords(bytes, 'r.bin');
        expect(split.n).toBe(n);
        expect(split.labels).toEqual(labels);
        expect(split.images).toEqual(images);
      }
    }
  });

  it('refuses partial records, labels ≥ 10 and empty files', () => {
    const records = encodeCifarRecords(Uint8Array.of(3, 4), patternBytes(2 * 3072, 5));
    expect(() => parseCifarRecords(records.subarray(0, 3073 + 100), 'r.bin')).toThrow(/r\.bin: 3173 bytes is not a whole number of 3073-byte CIFAR-10 records/);
    const bad = encodeCifarRecords(Uint8Array.of(3, 10), patternBytes(2 * 3072, 5));
    expect(() => parseCifarRecords(bad, 'r.bin')).toThrow(/label 10 at record 1/);
    expect(() => parseCifarRecords(new Uint8Array(0), 'r.bin')).toThrow(UserError);
  });
});

describe('official CIFAR-10 binary layout', () => {
  const makeRelease = (parent: string, perBatch: number) => {
    const dir = join(parent, 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    const names = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
    const batches = names.map((name, b) => {
      const labels = labelsOf(perBatch, 100 + b);
      const images = patternBytes(perBatch * 3072, 200 + b);
      const bytes = encodeCifarRecords(labels, images);
      // One batch gzipped: each file may come either way.
      if (b === 2) writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
      else writeFileSync(join(dir, name), bytes);
      return { labels, images };
    });
    return { dir, batches };
  };

  it('loads the five training batches in order and the test batch, from the folder or its parent', () => {
    const parent = tempDir('cifar-bin');
    const { dir, batches } = makeRelease(parent, 3);
    expect(findCifarBatchesDir(parent)).toBe(dir);
    for (const from of [parent, dir]) {
      const d = loadCifarBinaryDir(from);
      expect(d.train.n).toBe(15);
      expect(d.test.n).toBe(3);
      expect(d.train.labels).toEqual(Uint8Array.from(batches.slice(0, 5).flatMap((b) => [...b.labels])));
      expect(d.train.images.subarray(2 * 3 * 3072, 3 * 3 * 3072)).toEqual(batches[2].images);
      expect(d.test.images).toEqual(batches[5].images);
      expect(d.source).toBe(dir);
      // 3 records per batch is not the official release, and the name says so.
      expect(d.variant).not.toBe(CIFAR10_BINARY_VARIANT);
      expect(d.variant).toBe('CIFAR-10 binary-format batches, not the official counts (15 train / 3 test)');
    }
  });

  it('names what it looked for when a batch is missing', () => {
    const parent = tempDir('cifar-bin');
    mkdirSync(join(parent, 'cifar-10-batches-bin'));
    writeFileSync(join(parent, 'cifar-10-batches-bin', 'data_batch_1.bin'), encodeCifarRecords(Uint8Array.of(1), new Uint8Array(3072)));
    expect(findCifarBatchesDir(parent)).toBeNull();
    expect(() => loadCifarBinaryDir(parent)).toThrow(/no CIFAR-10 binary batches in .* \(expected data_batch_1\.bin, .*test_batch\.bin\)/);
  });
});
