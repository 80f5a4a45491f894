// Checksums of the official files. MNIST's are of the *uncompressed* IDX files
// (the .gz wrappers differ between mirrors; the content does not); CIFAR-10's
// is of the binary tarball as served by www.cs.toronto.edu/~kriz.
import { createHash } from 'node:crypto';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFile = (typeof MNIST_FILES)[keyof typeof MNIST_FILES];

export const MNIST_MD5: Record<MnistFile, string> = {
  'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
  'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
  't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
  't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
};

export const CIFAR10_BINARY_TARBALL = 'cifar-10-binary.tar.gz';
export const CIFAR10_BINARY_TARBALL_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}
