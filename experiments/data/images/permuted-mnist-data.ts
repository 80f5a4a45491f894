// Permuted MNIST (docs/method.md §4): images of the MNIST *training* file only,
// split 80/20 into train and validation by a seeded draw, normalised by the
// mean and std of all 60k training pixels (one scalar each), flattened to 784
// inputs; task p sees the pixels in the order of permutation p (p = 0 is the
// identity). The official code's split and permutations come from numpy's
// RandomState; ours are drawn from the project's own seeded generator.
import { Rng } from '../../runtime/rng.ts';
import type { Pass } from '../../train/passes.ts';
import { datasetMissingError, type DataPaths } from './data-dir.ts';
import { findMnistDir, loadMnist, mnistCandidates, MNIST_CLASSES, MNIST_SIDE } from './mnist.ts';

export const MNIST_INPUTS = MNIST_SIDE * MNIST_SIDE;

export interface PermutedMnist {
  /** Normalised pixels, sample-major [n, 784], identity order. */
  x: Float32Array;
  labels: Uint8Array;
  /** Indices of the training and validation examples. */
  train: Int32Array;
  valid: Int32Array;
  variant: string;
}

/** Loads MNIST from the job's data directory and builds the split. */
export function loadPermutedMnist(paths: DataPaths): PermutedMnist {
  const dir = findMnistDir(paths.dataDir);
  if (!dir) {
    throw datasetMissingError(
      'MNIST',
      mnistCandidates(paths.dataDir),
      `data directory ${paths.dataDir}; run \`npm run data -- download mnist\` on a machine that is online, or point MODULARITY_DATA_DIR (or --data-dir) at a folder holding the four IDX files`,
    );
  }
  const data = loadMnist(dir);
  const { images, labels, n } = data.train;
  let sum = 0,
    sumSq = 0;
  for (let i = 0; i < images.length; i++) {
    sum += images[i];
    sumSq += images[i] * images[i];
  }
  const mean = sum / images.length;
  const std = Math.sqrt(sumSq / images.length - mean * mean);
  const x = Float32Array.from(images, (v) => (v - mean) / std);
  const rng = new Rng(0xc1cafa52, 'permuted-mnist-split');
  const isTrain = Array.from({ length: n }, () => rng.uniform() > 0.2);
  const pick = (want: boolean) => Int32Array.from(isTrain.flatMap((t, i) => (t === want ? [i] : [])));
  return { x, labels, train: pick(true), valid: pick(false), variant: `${data.variant}, training file split 80/20 (seeded), pixels permuted per task` };
}

/** Pixel order of task p: identity for p = 0, else a seeded permutation of the 784 pixels. */
export function taskPermutation(p: number): Int32Array {
  if (p === 0) return Int32Array.from({ length: MNIST_INPUTS }, (_, i) => i);
  return new Rng(p, 'mnist-permutation').permutation(MNIST_INPUTS);
}

/** A pass over the given examples in task p's pixel order (one 10-way "digit"). */
export function permutedPass(data: PermutedMnist, perm: Int32Array, indices: ArrayLike<number>): Pass {
  const n = indices.length;
  const x = new Float32Array(n * MNIST_INPUTS);
  const targets = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const src = indices[e] * MNIST_INPUTS;
    const dst = e * MNIST_INPUTS;
    for (let i = 0; i < MNIST_INPUTS; i++) x[dst + i] = data.x[src + perm[i]];
    targets[e] = data.labels[indices[e]];
  }
  return { x, targets, n, rowOffset: 0, digits: 1 };
}

/** A training batch of task p, sampled with replacement. */
export function permutedBatch(data: PermutedMnist, perm: Int32Array, rng: Rng, n: number): Pass {
  return permutedPass(
    data,
    perm,
    Array.from({ length: n }, () => data.train[rng.int(data.train.length)]),
  );
}

export { MNIST_CLASSES };
