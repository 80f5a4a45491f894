// The loaders on the real datasets, where a copy is at hand (the shared
// read-only folder here, or MODULARITY_TEST_DATA elsewhere); skipped otherwise.
// MNIST: official counts and MD5s, and the download path end to end against a
// local server holding the real files. CIFAR-10: the lossless subset's exact
// pixels against the JPEG copy's first images of each class (the README gives
// ~5.8/255 mean absolute error), labels identical. Decodes only the ~5,300
// JPEGs the comparison needs, not all 60,000.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MNIST_MD5, md5Hex } from '../../../experiments/data/images/checksums.ts';
import { loadCifar10 } from '../../../experiments/data/images/cifar10.ts';
import { readMaybeGzipped } from '../../../experiments/data/images/gzip.ts';
import { loadMnist, MNIST_VARIANT } from '../../../experiments/data/images/mnist.ts';
import { ensureMnist } from '../../../experiments/data/images/official-downloads.ts';
import { removeTempDirs, tempDir } from './formats.ts';
import { startServer } from './local-server.ts';
import { useSharedData } from '../../helpers/shared-data.ts';

afterAll(removeTempDirs);

const DATA = process.env.MODULARITY_TEST_DATA ?? useSharedData();
const MNIST_DIR = join(DATA, 'mnist');
const hasMnist = existsSync(join(MNIST_DIR, 'train-images-idx3-ubyte.gz'));
const hasCifar = existsSync(join(DATA, 'cifar10', 'lossless_train_4000.bin.gz')) && existsSync(join(DATA, 'cifar10', 'cifar-10-jpeg-q75.tar.gz'));

describe.skipIf(!hasMnist)('real MNIST', () => {
  it('loads 60,000 / 10,000 official images whose uncompressed files have the documented MD5s', () => {
    for (const [name, md5] of Object.entries(MNIST_MD5)) expect(md5Hex(readMaybeGzipped(join(MNIST_DIR, `${name}.gz`))), name).toBe(md5);
    const m = loadMnist(MNIST_DIR);
    expect(m.variant).toBe(MNIST_VARIANT);
    expect([m.train.n, m.test.n]).toEqual([60_000, 10_000]);
    expect(m.train.images.length).toBe(60_000 * 784);
    // Class counts of the official training set (a known property of MNIST): every digit present, 5,421-6,742 each.
    const counts = new Array(10).fill(0);
    for (const l of m.train.labels) counts[l]++;
    expect(Math.min(...counts)).toBe(5421);
    expect(Math.max(...counts)).toBe(6742);
  });

  it('downloads the official files from a mirror and verifies them (local server holding the real .gz files)', async () => {
    const files = Object.fromEntries(Object.keys(MNIST_MD5).map((n) => [`/mnist/${n}.gz`, new Uint8Array(readFileSync(join(MNIST_DIR, `${n}.gz`)))]));
    const server = await startServer({ files });
    try {
      const data = tempDir('mnist-download');
      const dir = await ensureMnist(data, { download: true, fetch, mnistMirrors: [`${server.url}/missing/`, `${server.url}/mnist/`] });
      expect(loadMnist(dir).variant).toBe(MNIST_VARIANT);
      expect(server.requests.filter((r) => r.status === 200)).toHaveLength(4);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!hasCifar)('real CIFAR-10', () => {
  it('lossless subset: 4,000 / 1,000 exact images matching the JPEG copy within its documented error, same labels', async () => {
    const lossless = await loadCifar10(DATA, { variant: 'lossless-subset' });
    expect(lossless.variant).toBe('CIFAR-10 lossless subset (4,000 train / 1,000 test, official binary)');
    expect([lossless.train.n, lossless.test.n]).toEqual([4000, 1000]);
    // The subset is the first images of data_batch_1 / test_batch in the original
    // order; the JPEG copy keeps that order within each class folder. So the
    // k-th subset image of class c is the k-th JPEG of class c.
    const ranks = (labels: Uint8Array) => {
      const seen = new Array(10).fill(0);
      return { rank: Array.from(labels, (c) => seen[c]++), perClass: Math.max(...seen) };
    };
    const train = ranks(lossless.train.labels);
    const test = ranks(lossless.test.labels);
    const jpeg = await loadCifar10(DATA, { variant: 'jpeg', limitPerClass: { train: train.perClass, test: test.perClass } });
    expect(jpeg.variant).toBe(`JPEG images in CIFAR-10's folder layout (named q75), first ${train.perClass} train / ${test.perClass} test images per class`);
    for (const [split, r] of [
      ['train', train],
      ['test', test],
    ] as const) {
      const a = lossless[split];
      const b = jpeg[split];
      const per = r.perClass;
      let total = 0;
      let worst = 0;
      for (let i = 0; i < a.n; i++) {
        const j = a.labels[i] * per + r.rank[i]; // class-major, `per` images of each class
        expect(b.labels[j]).toBe(a.labels[i]);
        let s = 0;
        for (let p = 0; p < 3072; p++) s += Math.abs(a.images[i * 3072 + p] - b.images[j * 3072 + p]);
        total += s;
        worst = Math.max(worst, s / 3072);
      }
      const mae = total / (a.n * 3072);
      // Measured: 5.81 (train), 5.80 (test); worst single image ~13. A misaligned image would be far above 20.
      expect(mae, `${split} mean absolute error`).toBeLessThan(10);
      expect(mae).toBeGreaterThan(1); // it is a lossy copy: a zero would mean we compared a variant with itself
      expect(worst, `${split} worst image`).toBeLessThan(20);
    }
  });
});
