// The in-memory shape every image loader returns, so MNIST, the official
// CIFAR-10 binary and the JPEG copy all feed the same model code.
//
// Pixels are uint8 in the official CIFAR-10 binary layout: channel-major per
// image (1024 R, then 1024 G, then 1024 B, each row-major 32×32). MNIST has one
// channel (784 bytes per image, row-major 28×28).
import { UserError } from '../../runtime/errors.ts';

export interface ImageSplit {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  /** The exact name of what was loaded, for the page and provenance (never another variant's name). */
  variant: string;
  /** The file or directory it came from. */
  source: string;
}

/** Labels must name one of `classes` classes; a larger byte means a corrupt or foreign file. */
export function checkLabels(labels: Uint8Array, classes: number, what: string): void {
  const bad = labels.findIndex((l) => l >= classes);
  if (bad >= 0) throw new UserError(`${what}: label ${labels[bad]} at record ${bad} is not a class (expected 0-${classes - 1})`);
}

/**
 * Reorders a split round-robin over classes (first of each class in class
 * order, then the second of each, …), keeping the order within a class. The
 * image-folder copy arrives sorted by class; this makes any prefix of it
 * class-balanced, as a prefix of the official batches roughly is.
 */
export function interleaveByClass(split: ImageSplit, classes: number): ImageSplit {
  const bytesPerImage = split.n === 0 ? 0 : split.images.length / split.n;
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < split.n; i++) byClass[split.labels[i]].push(i);
  const order: number[] = [];
  const longest = Math.max(0, ...byClass.map((c) => c.length));
  for (let k = 0; k < longest; k++) for (const c of byClass) if (k < c.length) order.push(c[k]);
  const images = new Uint8Array(split.images.length);
  const labels = new Uint8Array(split.n);
  order.forEach((from, to) => {
    images.set(split.images.subarray(from * bytesPerImage, (from + 1) * bytesPerImage), to * bytesPerImage);
    labels[to] = split.labels[from];
  });
  return { images, labels, n: split.n };
}

/** The first `limit` images of each class, in their original order (all of a class when it has fewer). */
export function firstPerClass(split: ImageSplit, limit: number): ImageSplit {
  const bytesPerImage = split.n === 0 ? 0 : split.images.length / split.n;
  const seen = new Map<number, number>();
  const keep: number[] = [];
  for (let i = 0; i < split.n; i++) {
    const k = seen.get(split.labels[i]) ?? 0;
    if (k < limit) keep.push(i);
    seen.set(split.labels[i], k + 1);
  }
  const images = new Uint8Array(keep.length * bytesPerImage);
  keep.forEach((from, to) => images.set(split.images.subarray(from * bytesPerImage, (from + 1) * bytesPerImage), to * bytesPerImage));
  return { images, labels: Uint8Array.from(keep, (i) => split.labels[i]), n: keep.length };
}
