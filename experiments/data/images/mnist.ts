// MNIST from a directory holding the four standard IDX files, each plain or
// gzipped. The variant is called official only when every file's uncompressed
// bytes have the official MD5: an IDX file in MNIST's layout can hold anything
// (a subset, Fashion-MNIST), and the page must not call it MNIST.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { MNIST_FILES, MNIST_MD5, md5Hex, type MnistFile } from './checksums.ts';
import { readMaybeGzipped } from './gzip.ts';
import { parseIdx } from './idx.ts';
import { checkLabels, type ImageDataset, type ImageSplit } from './image-set.ts';

export const MNIST_VARIANT = 'MNIST (official IDX files)';
export const MNIST_SIDE = 28;
export const MNIST_CLASSES = 10;

/** Where a data directory may keep MNIST: its `mnist/` folder, or the directory itself. */
export function mnistCandidates(dataDir: string): string[] {
  return [join(dataDir, 'mnist'), dataDir];
}

/** The path of one standard file in `dir`, plain preferred over .gz, or null. */
export function mnistFile(dir: string, name: MnistFile): string | null {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(path)) return path;
  return null;
}

/** The first candidate directory that holds all four files, or null. */
export function findMnistDir(dataDir: string): string | null {
  return mnistCandidates(dataDir).find((dir) => Object.values(MNIST_FILES).every((f) => mnistFile(dir, f) !== null)) ?? null;
}

export function loadMnist(dir: string): ImageDataset {
  const mismatched: string[] = [];
  const read = (name: MnistFile, rank: number) => {
    const path = mnistFile(dir, name);
    if (!path) throw new UserError(`no ${name} or ${name}.gz in ${dir} (expected the four standard MNIST IDX files)`);
    const bytes = readMaybeGzipped(path);
    if (md5Hex(bytes) !== MNIST_MD5[name]) mismatched.push(name);
    return { path, idx: parseIdx(bytes, path, rank) };
  };
  const split = (imagesName: MnistFile, labelsName: MnistFile): ImageSplit => {
    const images = read(imagesName, 3);
    const labels = read(labelsName, 1);
    const [n, rows, cols] = images.idx.dims;
    if (images.idx.dims.length !== 3 || rows !== MNIST_SIDE || cols !== MNIST_SIDE) {
      throw new UserError(`${images.path}: dimensions ${images.idx.dims.join('×')}, expected N×28×28`);
    }
    if (labels.idx.dims.length !== 1) throw new UserError(`${labels.path}: dimensions ${labels.idx.dims.join('×')}, expected one`);
    if (labels.idx.dims[0] !== n) throw new UserError(`${labels.path}: ${labels.idx.dims[0]} labels for the ${n} images of ${images.path}`);
    checkLabels(labels.idx.data, MNIST_CLASSES, labels.path);
    return { images: images.idx.data, labels: labels.idx.data, n };
  };
  const train = split(MNIST_FILES.trainImages, MNIST_FILES.trainLabels);
  const test = split(MNIST_FILES.testImages, MNIST_FILES.testLabels);
  const variant =
    mismatched.length === 0
      ? MNIST_VARIANT
      : `MNIST-layout IDX files, not the official ones (${count(train.n)} train / ${count(test.n)} test; MD5 differs for ${mismatched.join(', ')})`;
  return { train, test, variant, source: dir };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
