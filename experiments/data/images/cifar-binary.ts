// The official CIFAR-10 binary format (www.cs.toronto.edu/~kriz/cifar.html):
// records of 1 label byte and 3072 pixel bytes (1024 R, 1024 G, 1024 B, each a
// row-major 32×32 plane), with no header. The official release has five
// training batches and one test batch of 10,000 records each in
// `cifar-10-batches-bin/`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { gunzipIfGzipped } from './gzip.ts';
import { checkLabels, type ImageDataset, type ImageSplit } from './image-set.ts';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;
export const CIFAR_SIDE = 32;
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
export const CIFAR10_BINARY_VARIANT = 'CIFAR-10 (official binary)';
export const CIFAR10_BATCHES_DIR = 'cifar-10-batches-bin';
export const CIFAR10_TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_BATCH = 'test_batch.bin';
const OFFICIAL_BATCH_RECORDS = 10_000;

/** Parses binary records (plain or gzipped bytes); `what` names the source in errors. */
export function parseCifarRecords(input: Uint8Array, what: string): ImageSplit {
  // A plain record file never starts with the gzip magic: its first byte is a label below 10.
  const bytes = gunzipIfGzipped(input, what);
  if (bytes.length === 0) throw new UserError(`${what}: empty, expected CIFAR-10 binary records of ${CIFAR_RECORD_BYTES} bytes`);
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new UserError(`${what}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte CIFAR-10 records (truncated or another format)`);
  }
  const n = bytes.length / CIFAR_RECORD_BYTES;
  const images = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    labels[i] = bytes[at];
    images.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  checkLabels(labels, CIFAR10_CLASSES.length, what);
  return { images, labels, n };
}

export function readCifarBinaryFile(path: string): ImageSplit {
  return parseCifarRecords(readFileSync(path), path);
}

export function concatSplits(splits: ImageSplit[]): ImageSplit {
  const n = splits.reduce((s, p) => s + p.n, 0);
  const images = new Uint8Array(splits.reduce((s, p) => s + p.images.length, 0));
  const labels = new Uint8Array(n);
  let img = 0;
  let lab = 0;
  for (const p of splits) {
    images.set(p.images, img);
    labels.set(p.labels, lab);
    img += p.images.length;
    lab += p.n;
  }
  return { images, labels, n };
}

function batchFile(dir: string, name: string): string | null {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(path)) return path;
  return null;
}

const hasAllBatches = (dir: string) => [...CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH].every((f) => batchFile(dir, f) !== null);

/** The batches directory given it or its parent, or null when neither holds all six batch files. */
export function findCifarBatchesDir(dir: string): string | null {
  return [dir, join(dir, CIFAR10_BATCHES_DIR)].find(hasAllBatches) ?? null;
}

/** Loads `data_batch_{1..5}.bin` and `test_batch.bin` (each plain or .gz) from the batches directory or its parent. */
export function loadCifarBinaryDir(dir: string): ImageDataset {
  const batches = findCifarBatchesDir(dir);
  if (!batches) {
    throw new UserError(
      `no CIFAR-10 binary batches in ${dir} or ${join(dir, CIFAR10_BATCHES_DIR)} (expected ${CIFAR10_TRAIN_BATCHES.join(', ')}, ${CIFAR10_TEST_BATCH})`,
    );
  }
  const read = (name: string) => readCifarBinaryFile(batchFile(batches, name)!);
  const trainBatches = CIFAR10_TRAIN_BATCHES.map(read);
  const test = read(CIFAR10_TEST_BATCH);
  const official = [...trainBatches, test].every((b) => b.n === OFFICIAL_BATCH_RECORDS);
  const train = concatSplits(trainBatches);
  const variant = official
    ? CIFAR10_BINARY_VARIANT
    : `CIFAR-10 binary-format batches, not the official counts (${train.n.toLocaleString('en-US')} train / ${test.n.toLocaleString('en-US')} test)`;
  return { train, test, variant, source: batches };
}
