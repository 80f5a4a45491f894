// Fetching the official files on a machine that is online, and the one place
// that decides between "use what is there", "download" and "fail with a clear
// line". Sources are the datasets' own distribution points (MNIST's S3 copy,
// with Google's CVDF mirror as fallback; CIFAR-10 from its author's page).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { CIFAR10_BINARY_TARBALL, CIFAR10_BINARY_TARBALL_MD5, MNIST_FILES, MNIST_MD5 } from './checksums.ts';
import { CIFAR10_BATCHES_DIR } from './cifar-binary.ts';
import { findCifar10, type Cifar10Choice } from './cifar10.ts';
import { DATA_DIR_ENV, datasetMissingError } from './data-dir.ts';
import { downloadFile, type DownloadProgress } from './download.ts';
import { findMnistDir, mnistCandidates, mnistFile } from './mnist.ts';
import { extractTarFile } from './tar.ts';

export const MNIST_MIRRORS = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'];
export const CIFAR10_BINARY_URL = `https://www.cs.toronto.edu/~kriz/${CIFAR10_BINARY_TARBALL}`;

export interface FetchDeps {
  fetch: typeof globalThis.fetch;
  onProgress?: (p: DownloadProgress) => void;
  /** Mirrors to use instead of the official ones (tests serve files locally). */
  mnistMirrors?: string[];
  cifar10Url?: string;
  /** The tarball's expected MD5 instead of the official one (tests serve small archives). */
  cifar10Md5?: string;
}

export interface EnsureOptions extends FetchDeps {
  /** False when offline or when the user asked not to download: a missing dataset is then an error. */
  download: boolean;
  /** How the user points the project at a copy, for the error line (e.g. the CLI's flag). */
  howToGet?: string;
}

const DEFAULT_HOW = `point ${DATA_DIR_ENV} (or the data-directory flag) at a copy, or allow downloading on a machine that is online`;

/** Downloads whichever of the four MNIST files `<dataDir>/mnist` lacks (as .gz); returns that folder. */
export async function downloadMnist(dataDir: string, deps: FetchDeps): Promise<string> {
  const dir = join(dataDir, 'mnist');
  for (const name of Object.values(MNIST_FILES)) {
    if (mnistFile(dir, name)) continue;
    await downloadFile({
      urls: (deps.mnistMirrors ?? MNIST_MIRRORS).map((m) => `${m}${name}.gz`),
      dest: join(dir, `${name}.gz`),
      checksum: { md5: MNIST_MD5[name], of: 'gunzipped' },
      fetch: deps.fetch,
      onProgress: deps.onProgress,
    });
  }
  return dir;
}

/**
 * Downloads and unpacks the official binary tarball into `<dataDir>/cifar10/`;
 * returns the batches folder. A tarball already sitting there is used, but
 * only if its MD5 matches (extractTarFile checks it), and it is left where it
 * was: only a tarball this call downloaded is deleted afterwards.
 */
export async function downloadCifar10Binary(dataDir: string, deps: FetchDeps): Promise<string> {
  const dir = join(dataDir, 'cifar10');
  const tarball = join(dir, CIFAR10_BINARY_TARBALL);
  const md5 = deps.cifar10Md5 ?? CIFAR10_BINARY_TARBALL_MD5;
  const wasThere = existsSync(tarball);
  await downloadFile({
    urls: [deps.cifar10Url ?? CIFAR10_BINARY_URL],
    dest: tarball,
    checksum: { md5, of: 'file' },
    fetch: deps.fetch,
    onProgress: deps.onProgress,
  });
  const tops = extractTarFile(tarball, dir, md5);
  if (!tops.includes(CIFAR10_BATCHES_DIR)) throw new UserError(`${tarball}: no ${CIFAR10_BATCHES_DIR}/ inside (found ${tops.join(', ')})`);
  // Unpacked and checked: the 163 MB tarball we fetched is no longer needed.
  if (!wasThere) rmSync(tarball, { force: true });
  return join(dir, CIFAR10_BATCHES_DIR);
}

/** The folder holding MNIST, downloading it first when allowed. */
export async function ensureMnist(dataDir: string, opts: EnsureOptions): Promise<string> {
  const found = findMnistDir(dataDir);
  if (found) return found;
  if (!opts.download) {
    throw datasetMissingError(
      'MNIST',
      mnistCandidates(dataDir).map((d) => join(d, `${MNIST_FILES.trainImages}[.gz] and the other three IDX files`)),
      opts.howToGet ?? DEFAULT_HOW,
    );
  }
  return downloadMnist(dataDir, opts);
}

/**
 * Makes sure `loadCifar10(dataDir, { variant })` will find something. Only the
 * official binary can be downloaded; the JPEG copy and the lossless subset
 * exist only where someone put them.
 */
export async function ensureCifar10(dataDir: string, variant: Cifar10Choice, opts: EnsureOptions): Promise<void> {
  const lookedFor: string[] = [];
  if (findCifar10(dataDir, variant, lookedFor)) return;
  const downloadable = variant === 'auto' || variant === 'official';
  if (!opts.download || !downloadable) {
    const how = downloadable ? (opts.howToGet ?? DEFAULT_HOW) : `this variant cannot be downloaded; ${opts.howToGet ?? `point ${DATA_DIR_ENV} at a copy`}`;
    throw datasetMissingError(`CIFAR-10${variant === 'auto' ? '' : ` (${variant})`}`, lookedFor, how);
  }
  await downloadCifar10Binary(dataDir, opts);
}
