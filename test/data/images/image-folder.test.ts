// The image-folder loader on a small archive of real PNG and JPEG files made
// with sharp: exact pixels for PNG (so the channel-major conversion is
// checked bit for bit), class and name order, per-class limits, the cache, the
// extracted-directory form; and loadCifar10's choice and naming of variants.
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_BINARY_VARIANT, CIFAR10_CLASSES } from '../../../experiments/data/images/cifar-binary.ts';
import { findCifar10, jpegVariant, loadCifar10 } from '../../../experiments/data/images/cifar10.ts';
import { loadImageFolder } from '../../../experiments/data/images/image-folder.ts';
import { interleaveByClass } from '../../../experiments/data/images/image-set.ts';
import { encodeCifarRecords, encodeImage, encodeTar, patternBytes, removeTempDirs, smoothRgb, tempDir, toChannelMajor } from './formats.ts';

const SIDE = 32;
const PER_CLASS = { train: 3, test: 2 };

interface Made {
  archive: string;
  extracted: string;
  /** Channel-major pixels by split, class-major order: what the loader must return. */
  expected: Record<'train' | 'test', { images: Uint8Array; labels: Uint8Array }>;
}

/** A CIFAR-10-shaped image folder (PNG: lossless noise; JPEG: smooth images), files added out of order. */
async function makeFolder(format: 'png' | 'jpeg'): Promise<Made> {
  const root = tempDir('image-folder');
  const entries: { name: string; data: Uint8Array }[] = [];
  const expected = { train: { images: [] as Uint8Array[], labels: [] as number[] }, test: { images: [] as Uint8Array[], labels: [] as number[] } };
  for (const split of ['train', 'test'] as const) {
    for (let c = 0; c < CIFAR10_CLASSES.length; c++) {
      const names = Array.from({ length: PER_CLASS[split] }, (_, k) => `${String(k).padStart(4, '0')}.${format === 'png' ? 'png' : 'jpg'}`);
      for (let k = 0; k < names.length; k++) {
        const seed = 1000 * c + 10 * k + (split === 'test' ? 7 : 0);
        const rgb = format === 'png' ? patternBytes(SIDE * SIDE * 3, seed) : smoothRgb(SIDE, seed);
        const file = await encodeImage(rgb, SIDE, format);
        expected[split].images.push(toChannelMajor(rgb, SIDE));
        expected[split].labels.push(c);
        entries.push({ name: `${split}/${CIFAR10_CLASSES[c]}/${names[k]}`, data: file });
      }
    }
  }
  entries.reverse(); // the loader must sort, not trust archive order
  entries.push({ name: 'train/README.txt', data: Uint8Array.of(65) }); // not an image: ignored
  const archive = join(root, 'cifar-10-jpeg-q75.tar.gz');
  writeFileSync(archive, gzipSync(encodeTar(entries)));
  const extracted = join(root, 'extracted');
  for (const e of entries) {
    mkdirSync(join(extracted, e.name, '..'), { recursive: true });
    writeFileSync(join(extracted, e.name), e.data);
  }
  const flat = (xs: Uint8Array[]) => Uint8Array.from(xs.flatMap((x) => [...x]));
  return {
    archive,
    extracted,
    expected: {
      train: { images: flat(expected.train.images), labels: Uint8Array.from(expected.train.labels) },
      test: { images: flat(expected.test.images), labels: Uint8Array.from(expected.test.labels) },
    },
  };
}

const opts = { classes: CIFAR10_CLASSES, side: SIDE };
let png: Made;
beforeAll(async () => {
  png = await makeFolder('png');
});

describe('image-folder loader', () => {
  it('decodes an archive to the channel-major layout, exactly for PNG, in class then name order', async () => {
    const r = await loadImageFolder(png.archive, opts);
    expect(r.fromCache).toBe(false);
    expect(r.train.n).toBe(30);
    expect(r.test.n).toBe(20);
    expect(r.train.labels).toEqual(png.expected.train.labels);
    expect(r.train.images).toEqual(png.expected.train.images);
    expect(r.test.images).toEqual(png.expected.test.images);
  });

  it('gives the same arrays from the extracted directory', async () => {
    const r = await loadImageFolder(png.extracted, opts);
    expect(r.train.images).toEqual(png.expected.train.images);
    expect(r.test.labels).toEqual(png.expected.test.labels);
  });

  it('takes the first k per class by name when limited', async () => {
    const r = await loadImageFolder(png.archive, { ...opts, limitPerClass: { train: 1 } });
    expect(r.train.n).toBe(10);
    expect(r.test.n).toBe(20);
    expect([...r.train.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.train.images.subarray(3072, 2 * 3072)).toEqual(png.expected.train.images.subarray(3 * 3072, 4 * 3072));
  });

  it('caches decoded arrays, and decodes again when the archive changes', async () => {
    const cacheDir = tempDir('image-cache');
    const progress: number[] = [];
    const first = await loadImageFolder(png.archive, { ...opts, cacheDir, onProgress: (e) => progress.push(e.decoded) });
    expect(first.fromCache).toBe(false);
    expect(progress.at(-1)).toBe(50);
    expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/^image-folder-[0-9a-f]{16}\.bin$/), expect.stringMatching(/\.json$/)]);
    const second = await loadImageFolder(png.archive, { ...opts, cacheDir });
    expect(second.fromCache).toBe(true);
    expect(second.train.images).toEqual(png.expected.train.images);
    expect(second.test.labels).toEqual(png.expected.test.labels);
    // Another limit is another cache entry.
    expect((await loadImageFolder(png.archive, { ...opts, cacheDir, limitPerClass: { test: 1 } })).fromCache).toBe(false);
    utimesSync(png.archive, new Date(), new Date(Date.now() + 5000));
    expect((await loadImageFolder(png.archive, { ...opts, cacheDir })).fromCache).toBe(false);
  });

  it('decodes JPEG within the codec error, and refuses wrong sizes and unknown classes', async () => {
    const jpeg = await makeFolder('jpeg');
    const r = await loadImageFolder(jpeg.archive, opts);
    let sum = 0;
    for (let i = 0; i < r.train.images.length; i++) sum += Math.abs(r.train.images[i] - jpeg.expected.train.images[i]);
    // Swapped or shifted planes would give tens of levels; quality-90 JPEG of these smooth images gives ~0.6, a swap ~40.
    expect(sum / r.train.images.length).toBeLessThan(3);
    expect(r.train.labels).toEqual(jpeg.expected.train.labels);

    const wrong = tempDir('image-folder-bad');
    const big = await encodeImage(new Uint8Array(33 * 33 * 3), 33, 'png');
    const tiny = await encodeImage(new Uint8Array(32 * 32 * 3), 32, 'png');
    const withClasses = (extra: { name: string; data: Uint8Array }[]) =>
      CIFAR10_CLASSES.flatMap((c) => [
        { name: `train/${c}/0.png`, data: tiny },
        { name: `test/${c}/0.png`, data: tiny },
      ]).concat(extra);
    writeFileSync(join(wrong, 'size.tar'), encodeTar(withClasses([{ name: 'train/cat/1.png', data: big }])));
    await expect(loadImageFolder(join(wrong, 'size.tar'), opts)).rejects.toThrow(/train\/cat\/1\.png: image is 33×33, expected 32×32/);
    writeFileSync(join(wrong, 'class.tar'), encodeTar(withClasses([{ name: 'test/kitten/1.png', data: tiny }])));
    await expect(loadImageFolder(join(wrong, 'class.tar'), opts)).rejects.toThrow(/unexpected class folder\(s\) test\/kitten/);
    writeFileSync(join(wrong, 'missing.tar'), encodeTar(withClasses([]).filter((e) => e.name !== 'test/dog/0.png')));
    await expect(loadImageFolder(join(wrong, 'missing.tar'), opts)).rejects.toThrow(/no images in test\/dog\//);
  });

  it('interleaves a class-major split round-robin', () => {
    const split = { images: Uint8Array.from([10, 11, 12, 20, 30, 31]), labels: Uint8Array.from([0, 0, 0, 1, 2, 2]), n: 6 };
    const r = interleaveByClass(split, 3);
    expect([...r.labels]).toEqual([0, 1, 2, 0, 2, 0]);
    expect([...r.images]).toEqual([10, 20, 30, 11, 31, 12]);
  });
});

describe('loadCifar10', () => {
  it('uses the JPEG copy under its own name, with limits in the name', async () => {
    const data = tempDir('cifar-data');
    mkdirSync(join(data, 'cifar10'));
    writeFileSync(join(data, 'cifar10', 'cifar-10-jpeg-q75.tar.gz'), readFileSync(png.archive));
    const full = await loadCifar10(data);
    // A small folder in CIFAR-10's layout is never called CIFAR-10.
    expect(full.variant).toBe(`JPEG images in CIFAR-10's folder layout, not the full set (${full.train.n} train / ${full.test.n} test, named q75)`);
    expect(full.train.images).toEqual(png.expected.train.images);
    const limited = await loadCifar10(data, { limitPerClass: { train: 2, test: 1 } });
    expect(limited.variant).toBe("JPEG images in CIFAR-10's folder layout (named q75), first 2 train / 1 test images per class");
    expect(limited.train.n).toBe(20);
  });

  it('prefers the official binary, uses the lossless subset only when asked, and says what it looked for', async () => {
    const data = tempDir('cifar-data');
    await expect(loadCifar10(data)).rejects.toThrow(/^CIFAR-10 not found: looked for .*cifar10\/cifar-10-batches-bin, .*cifar-10-jpeg-q<N>\.tar\.gz; /);
    writeFileSync(join(data, 'cifar-10-jpeg-q75.tar.gz'), readFileSync(png.archive));
    const batches = join(data, 'cifar10', 'cifar-10-batches-bin');
    mkdirSync(batches, { recursive: true });
    const labels = Uint8Array.from({ length: 10_000 }, (_, i) => i % 10);
    const records = encodeCifarRecords(labels, new Uint8Array(10_000 * 3072));
    for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'])
      writeFileSync(join(batches, `${name}.bin`), records);
    expect(findCifar10(data, 'auto')?.choice).toBe('official');
    const official = await loadCifar10(data, { limitPerClass: { test: 3 } });
    expect(official.variant).toBe(`${CIFAR10_BINARY_VARIANT}, first 3 test images per class`);
    expect(official.train.n).toBe(50_000);
    expect([...official.test.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await loadCifar10(data, { variant: 'jpeg' })).variant).toMatch(/^JPEG images in CIFAR-10's folder layout, not the full set/);

    await expect(loadCifar10(data, { variant: 'lossless-subset' })).rejects.toThrow(
      /CIFAR-10 \(lossless-subset\) not found: looked for .*lossless_train_4000\.bin\.gz/,
    );
    const subset = encodeCifarRecords(Uint8Array.of(3, 1, 4), patternBytes(3 * 3072, 8));
    writeFileSync(join(data, 'cifar10', 'lossless_train_4000.bin.gz'), gzipSync(subset));
    writeFileSync(join(data, 'cifar10', 'lossless_test_1000.bin.gz'), gzipSync(subset.subarray(0, 3073)));
    expect((await loadCifar10(data)).variant).toBe(CIFAR10_BINARY_VARIANT);
    const lossless = await loadCifar10(data, { variant: 'lossless-subset' });
    expect(lossless.variant).toBe('CIFAR-10 lossless subset (3 train / 1 test, official binary)');
    expect(lossless.train.images).toEqual(patternBytes(3 * 3072, 8));
  });
});

afterAll(removeTempDirs);

describe("the JPEG copy's name", () => {
  const full = { train: 50_000, test: 10_000 };
  it('is CIFAR-10 (JPEG q75 re-encoding) only for the full set, and says so when the archive is not the known copy', () => {
    const dir = tempDir('jpeg-name');
    const archive = join(dir, 'cifar-10-jpeg-q75.tar.gz');
    writeFileSync(archive, 'not the known bytes');
    expect(jpegVariant(archive, {}, full)).toMatch(
      /^CIFAR-10 \(JPEG q75 re-encoding\), a copy whose bytes differ from the known one \(sha256 [0-9a-f]{12}…\)$/,
    );
    expect(jpegVariant(archive, {}, { train: 30, test: 0 })).toBe("JPEG images in CIFAR-10's folder layout, not the full set (30 train / 0 test, named q75)");
    const folder = join(dir, 'cifar-10-jpeg-q75');
    mkdirSync(folder);
    expect(jpegVariant(folder, {}, full)).toBe('CIFAR-10 (JPEG q75 re-encoding), not checked against a known copy (an extracted folder)');
  });
});
