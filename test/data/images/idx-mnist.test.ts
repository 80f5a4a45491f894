// IDX parsing (plain and gzipped) against files written from the format
// description, its one-line errors on malformed files, and the MNIST loader on
// a small directory in the official layout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from '../../../experiments/data/images/idx.ts';
import { findMnistDir, loadMnist, MNIST_VARIANT } from '../../../experiments/data/images/mnist.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';
import { encodeIdx, patternBytes, removeTempDirs, tempDir } from './formats.ts';

afterAll(removeTempDirs);

describe('IDX', () => {
  const data = patternBytes(3 * 28 * 28, 1);
  const idx = encodeIdx([3, 28, 28], data);

  it('round-trips plain and gzipped files exactly', () => {
    const dir = tempDir('idx');
    writeFileSync(join(dir, 'a'), idx);
    writeFileSync(join(dir, 'a.gz'), gzipSync(idx));
    for (const path of [join(dir, 'a'), join(dir, 'a.gz')]) {
      const parsed = readIdxFile(path);
      expect(parsed.dims).toEqual([3, 28, 28]);
      expect(parsed.data).toEqual(data);
    }
    expect(parseIdx(encodeIdx([5], Uint8Array.of(1, 2, 3, 4, 5)), 'x')).toEqual({ dims: [5], data: Uint8Array.of(1, 2, 3, 4, 5) });
  });

  it('refuses malformed files with one-line UserErrors', () => {
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.of(0, 0), /shorter than the 4-byte magic/],
      [Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), /magic starts 0x01 0x00/],
      [Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), /dtype 0x0d is not supported/],
      [Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), /truncated IDX header/],
      [idx.subarray(0, idx.length - 1), /truncated IDX data \(2351 bytes, dimensions 3×28×28 need 2352\)/],
      [Uint8Array.from([...idx, 7]), /1 bytes after the 3×28×28 data/],
      [gzipSync(idx).subarray(0, 40), /corrupt or truncated gzip/],
    ];
    // The rank a caller expects (MNIST: images 3, labels 1) is checked before the sizes.
    let rankErr: unknown;
    try {
      parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9), 'f.idx', 1);
    } catch (e) {
      rankErr = e;
    }
    expect((rankErr as Error).message).toBe('f.idx: IDX magic 00 00 08 03 declares 3 dimensions, expected 1');
    for (const [bytes, message] of cases) {
      let err: unknown;
      try {
        parseIdx(bytes, 'f.idx');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/^f\.idx: /);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

function writeMnist(dir: string, nTrain: number, nTest: number, opts: { gzip: boolean; labels?: Uint8Array } = { gzip: true }) {
  const files = {
    'train-images-idx3-ubyte': encodeIdx([nTrain, 28, 28], patternBytes(nTrain * 784, 2)),
    'train-labels-idx1-ubyte': encodeIdx([nTrain], opts.labels ?? Uint8Array.from({ length: nTrain }, (_, i) => i % 10)),
    't10k-images-idx3-ubyte': encodeIdx([nTest, 28, 28], patternBytes(nTest * 784, 3)),
    't10k-labels-idx1-ubyte': encodeIdx(
      [nTest],
      Uint8Array.from({ length: nTest }, (_, i) => (i * 3) % 10),
    ),
  };
  for (const [name, bytes] of Object.entries(files)) {
    if (opts.gzip) writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
    else writeFileSync(join(dir, name), bytes);
  }
}

describe('MNIST loader', () => {
  it('loads the four files (gzipped or plain) and names non-official content as such', () => {
    for (const gzip of [true, false]) {
      const dir = tempDir('mnist');
      writeMnist(dir, 12, 5, { gzip });
      const m = loadMnist(dir);
      expect(m.train.n).toBe(12);
      expect(m.test.n).toBe(5);
      expect(m.train.images).toEqual(patternBytes(12 * 784, 2));
      expect(m.test.images).toEqual(patternBytes(5 * 784, 3));
      expect([...m.train.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      expect(m.variant).not.toBe(MNIST_VARIANT);
      expect(m.variant).toBe(
        'MNIST-layout IDX files, not the official ones (12 train / 5 test; MD5 differs for train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)',
      );
    }
  });

  it('finds the files in <data>/mnist or in the data directory itself', () => {
    const data = tempDir('mnist-data');
    expect(findMnistDir(data)).toBeNull();
    writeMnist(data, 2, 2);
    expect(findMnistDir(data)).toBe(data);
  });

  it('refuses labels ≥ 10, mismatched counts, wrong image size and missing files', () => {
    const badLabel = tempDir('mnist');
    writeMnist(badLabel, 3, 2, { gzip: true, labels: Uint8Array.of(1, 10, 2) });
    expect(() => loadMnist(badLabel)).toThrow(/label 10 at record 1 is not a class/);

    const mismatch = tempDir('mnist');
    writeMnist(mismatch, 3, 2, { gzip: false });
    writeFileSync(join(mismatch, 'train-labels-idx1-ubyte'), encodeIdx([4], Uint8Array.of(1, 2, 3, 4)));
    expect(() => loadMnist(mismatch)).toThrow(/4 labels for the 3 images/);

    const size = tempDir('mnist');
    writeMnist(size, 3, 2, { gzip: false });
    writeFileSync(join(size, 'train-images-idx3-ubyte'), encodeIdx([3, 32, 32], new Uint8Array(3 * 1024)));
    expect(() => loadMnist(size)).toThrow(/dimensions 3×32×32, expected N×28×28/);

    expect(() => loadMnist(tempDir('mnist-empty'))).toThrow(UserError);
    expect(() => loadMnist(tempDir('mnist-empty'))).toThrow(/no train-images-idx3-ubyte or train-images-idx3-ubyte\.gz in /);
  });
});
