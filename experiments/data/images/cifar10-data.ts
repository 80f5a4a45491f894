// CIFAR-10 as the class-removal experiment reads it (docs/method.md §7.1): the
// 50k training images split 80/20 into train and validation by a seeded draw
// (the validation part is the "i.i.d." evaluation set, not the official test
// set), pixels normalised per channel by the mean and std of all 50k training
// images, no augmentation. The official code draws the split with numpy's
// RandomState(0xC1CAFA52); ours comes from the project's own seeded generator.
//
// Pixels stay uint8 in memory (50k images as float32 would be 600 MB per
// worker); batches are normalised when they are built.
import { join } from 'node:path';
import { Rng } from '../../runtime/rng.ts';
import type { ImageBatch } from '../../masking/frozen-cnn.ts';
import { CIFAR10_CLASSES, CIFAR_IMAGE_BYTES, CIFAR_SIDE } from './cifar-binary.ts';
import { loadCifar10Decoded } from './cifar10.ts';
import type { DataPaths } from './data-dir.ts';

/** Where decoded image arrays are cached; the experiments CLI sets it for its workers. */
export const IMAGE_CACHE_ENV = 'MODULARITY_IMAGE_CACHE';

export function imageCacheDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return env[IMAGE_CACHE_ENV] || join(cwd, '.cache', 'images');
}

export interface CifarForMasks {
  /** The 50k training images, uint8, official channel-major layout. */
  images: Uint8Array;
  labels: Uint8Array;
  train: Int32Array;
  valid: Int32Array;
  /** Per-channel mean and std of the raw 0–255 values of all training images. */
  mean: number[];
  std: number[];
  variant: string;
}

export function loadCifarForMasks(paths: DataPaths): CifarForMasks {
  const d = loadCifar10Decoded(paths.dataDir, { cacheDir: paths.imageCacheDir });
  const { images, labels, n } = d.train;
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < 3; c++) {
    let sum = 0,
      sumSq = 0;
    for (let e = 0; e < n; e++) {
      const base = e * CIFAR_IMAGE_BYTES + c * plane;
      for (let i = 0; i < plane; i++) {
        const v = images[base + i];
        sum += v;
        sumSq += v * v;
      }
    }
    const count = n * plane;
    mean.push(sum / count);
    std.push(Math.sqrt(sumSq / count - (sum / count) ** 2));
  }
  const rng = new Rng(0xc1cafa52, 'cifar10-split');
  const isTrain = Array.from({ length: n }, () => rng.uniform() > 0.2);
  const pick = (want: boolean) => Int32Array.from(isTrain.flatMap((t, i) => (t === want ? [i] : [])));
  return {
    images,
    labels,
    train: pick(true),
    valid: pick(false),
    mean,
    std,
    variant: `${d.variant}, training images split 80/20 (seeded) into train and validation`,
  };
}

/** The given images, normalised, as a batch for the CNN. */
export function cifarBatch(d: CifarForMasks, indices: ArrayLike<number>): ImageBatch {
  const n = indices.length;
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const x = new Float32Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const src = indices[e] * CIFAR_IMAGE_BYTES;
    for (let c = 0; c < 3; c++) {
      const m = d.mean[c];
      const s = d.std[c];
      const from = src + c * plane;
      const to = e * CIFAR_IMAGE_BYTES + c * plane;
      for (let i = 0; i < plane; i++) x[to + i] = (d.images[from + i] - m) / s;
    }
    labels[e] = d.labels[indices[e]];
  }
  return { x, labels, n };
}

/** Training indices without the images of `removed` (null: all classes). */
export function trainIndicesWithout(d: CifarForMasks, removed: number | null): Int32Array {
  return removed === null ? d.train : d.train.filter((i) => d.labels[i] !== removed);
}

/** A batch of n training images drawn with replacement from `pool`. */
export function sampleCifarBatch(d: CifarForMasks, pool: Int32Array, rng: Rng, n: number): ImageBatch {
  return cifarBatch(
    d,
    Array.from({ length: n }, () => pool[rng.int(pool.length)]),
  );
}

export const CIFAR_CLASSES = CIFAR10_CLASSES;
