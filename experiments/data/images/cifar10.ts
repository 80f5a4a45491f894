// One entry point for CIFAR-10, whichever copy a data directory holds:
//  - the official binary batches (preferred: exact pixels, official order);
//  - else the image-folder JPEG copy (exact labels, lossy pixels, class-major order);
//  - the lossless 4,000/1,000 subset only when asked for by name: it is too
//    small to stand in for CIFAR-10 silently.
// Each comes back under its own exact name; none is ever passed off as another.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CIFAR10_BATCHES_DIR, CIFAR10_CLASSES, CIFAR_SIDE, findCifarBatchesDir, loadCifarBinaryDir, readCifarBinaryFile } from './cifar-binary.ts';
import { UserError } from '../../runtime/errors.ts';
import { datasetMissingError } from './data-dir.ts';
import { firstPerClass, type ImageDataset } from './image-set.ts';
import { loadImageFolder, readImageFolderCache, type SplitName } from './image-folder.ts';

export type Cifar10Choice = 'auto' | 'official' | 'jpeg' | 'lossless-subset';

export interface Cifar10Options {
  /** 'auto' (default): official binary, else the JPEG copy. */
  variant?: Cifar10Choice;
  /** Cache for decoded JPEGs (the data directory itself may be read-only). */
  cacheDir?: string;
  /** Only the first k images of each class (in each variant's own order); the variant's name says so. */
  limitPerClass?: Partial<Record<SplitName, number>>;
  concurrency?: number;
  onProgress?: (e: { decoded: number; total: number }) => void;
}

export interface Cifar10Data extends ImageDataset {
  /** True when decoded images came from the cache (JPEG variant only). */
  fromCache: boolean;
}

const JPEG_COPY = /^cifar-10-jpeg-q(\d+)(\.tar\.gz|\.tgz|\.tar)?$/;
const LOSSLESS = { train: 'lossless_train_4000.bin', test: 'lossless_test_1000.bin' };

/** Where a data directory may keep CIFAR-10: its `cifar10/` folder, or the directory itself. */
export function cifar10Bases(dataDir: string): string[] {
  return [join(dataDir, 'cifar10'), dataDir];
}

export interface Cifar10Found {
  choice: Exclude<Cifar10Choice, 'auto'>;
  path: string;
  /** The test file, for the lossless subset (path is then the train file). */
  testPath?: string;
}

/** What of `choice` the data directory holds, or null; `lookedFor` collects the paths tried, for messages. */
export function findCifar10(dataDir: string, choice: Cifar10Choice, lookedFor: string[] = []): Cifar10Found | null {
  const bases = cifar10Bases(dataDir);
  if (choice === 'auto') return findCifar10(dataDir, 'official', lookedFor) ?? findCifar10(dataDir, 'jpeg', lookedFor);
  if (choice === 'official') {
    lookedFor.push(...bases.map((b) => join(b, CIFAR10_BATCHES_DIR)));
    for (const b of bases) {
      const dir = existsSync(b) ? findCifarBatchesDir(b) : null;
      if (dir) return { choice, path: dir };
    }
    return null;
  }
  if (choice === 'jpeg') {
    lookedFor.push(...bases.map((b) => join(b, 'cifar-10-jpeg-q<N>.tar.gz')));
    for (const b of bases) {
      if (!existsSync(b) || !statSync(b).isDirectory()) continue;
      // Archives before extracted folders, then by name, so the choice does not depend on readdir order.
      const rank = (name: string) => (JPEG_COPY.exec(name)![2] ? 0 : 1);
      const names = readdirSync(b)
        .filter((n) => JPEG_COPY.test(n))
        .sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1));
      if (names.length) return { choice, path: join(b, names[0]) };
    }
    return null;
  }
  lookedFor.push(...bases.map((b) => join(b, `${LOSSLESS.train}.gz`)));
  for (const b of bases) {
    const file = (name: string) => [join(b, name), join(b, `${name}.gz`)].find((p) => existsSync(p));
    const train = file(LOSSLESS.train);
    const test = file(LOSSLESS.test);
    if (train && test) return { choice, path: train, testPath: test };
  }
  return null;
}

function findOrThrow(dataDir: string, choice: Cifar10Choice): Cifar10Found {
  const lookedFor: string[] = [];
  const found = findCifar10(dataDir, choice, lookedFor);
  if (!found) {
    throw datasetMissingError(
      `CIFAR-10${choice === 'auto' ? '' : ` (${choice})`}`,
      lookedFor,
      'download it on a machine that is online, or point the data directory at a copy',
    );
  }
  return found;
}

/**
 * The exact name of the JPEG copy: the quality from the name it is distributed
 * under (nothing in an image folder says it), and the image counts read: a
 * folder in CIFAR-10's layout that does not hold all 50,000 / 10,000 images is
 * named as such, never "CIFAR-10".
 */
export function jpegVariant(path: string, limits: Partial<Record<SplitName, number>>, counts: { train: number; test: number }): string {
  const q = JPEG_COPY.exec(basename(path))![1];
  // A limited load reads only part of the folder, so it cannot tell whether the folder is the full set.
  if (Object.keys(limits).length > 0) return `JPEG images in CIFAR-10's folder layout (named q${q})${limitNote(limits)}`;
  if (counts.train === CIFAR10_TRAIN_IMAGES && counts.test === CIFAR10_TEST_IMAGES) {
    // JPEG has no checksum: a flipped byte can decode into a different picture unnoticed. The known
    // distribution of the q75 copy is named as such only when its archive's bytes are that copy's.
    const known = KNOWN_JPEG_ARCHIVES[basename(path)];
    if (!statSync(path).isFile() || known === undefined)
      return `CIFAR-10 (JPEG q${q} re-encoding), not checked against a known copy (${statSync(path).isFile() ? 'an archive of unknown name' : 'an extracted folder'})`;
    const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (digest !== known) return `CIFAR-10 (JPEG q${q} re-encoding), a copy whose bytes differ from the known one (sha256 ${digest.slice(0, 12)}…)`;
    return `CIFAR-10 (JPEG q${q} re-encoding)`;
  }
  return `JPEG images in CIFAR-10's folder layout, not the full set (${counts.train.toLocaleString('en-US')} train / ${counts.test.toLocaleString('en-US')} test, named q${q})`;
}

/** sha256 of the JPEG copies this project knows, by file name. */
const KNOWN_JPEG_ARCHIVES: Readonly<Record<string, string>> = {
  'cifar-10-jpeg-q75.tar.gz': '45b041e867f5a40f79bfde38d3dd1fd511103d50068c1afecf6445e25234d4db',
};

const CIFAR10_TRAIN_IMAGES = 50_000;
const CIFAR10_TEST_IMAGES = 10_000;

export async function loadCifar10(dataDir: string, opts: Cifar10Options = {}): Promise<Cifar10Data> {
  const found = findOrThrow(dataDir, opts.variant ?? 'auto');
  const limits = opts.limitPerClass ?? {};
  if (found.choice === 'jpeg') {
    const r = await loadImageFolder(found.path, {
      classes: CIFAR10_CLASSES,
      side: CIFAR_SIDE,
      cacheDir: opts.cacheDir,
      limitPerClass: limits,
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
    });
    return {
      train: r.train,
      test: r.test,
      variant: jpegVariant(found.path, limits, { train: r.train.n, test: r.test.n }),
      source: found.path,
      fromCache: r.fromCache,
    };
  }
  return { ...loadBinary(found, limits), fromCache: false };
}

/**
 * The same choice as loadCifar10, synchronously: the binary variants are read
 * directly; the JPEG copy only from the decoded cache, which the experiments
 * CLI fills (loadCifar10 with the same cacheDir) before its worker processes start.
 */
export function loadCifar10Decoded(dataDir: string, opts: { variant?: Cifar10Choice; cacheDir: string }): Cifar10Data {
  const found = findOrThrow(dataDir, opts.variant ?? 'auto');
  if (found.choice !== 'jpeg') return { ...loadBinary(found, {}), fromCache: false };
  const r = readImageFolderCache(found.path, { classes: CIFAR10_CLASSES, side: CIFAR_SIDE, cacheDir: opts.cacheDir });
  if (!r) throw new UserError(`${found.path} has not been decoded into ${opts.cacheDir} yet (the experiments CLI decodes it before its jobs start)`);
  return { train: r.train, test: r.test, variant: jpegVariant(found.path, {}, { train: r.train.n, test: r.test.n }), source: found.path, fromCache: true };
}

function loadBinary(found: Cifar10Found, limits: Partial<Record<SplitName, number>>): ImageDataset {
  const full: ImageDataset = found.choice === 'official' ? loadCifarBinaryDir(found.path) : losslessSubset(found.path, found.testPath!);
  const limit = (split: SplitName) => (limits[split] === undefined ? full[split] : firstPerClass(full[split], limits[split]!));
  return { train: limit('train'), test: limit('test'), variant: `${full.variant}${limitNote(limits)}`, source: full.source };
}

function losslessSubset(trainPath: string, testPath: string): ImageDataset {
  const train = readCifarBinaryFile(trainPath);
  const test = readCifarBinaryFile(testPath);
  const variant = `CIFAR-10 lossless subset (${train.n.toLocaleString('en-US')} train / ${test.n.toLocaleString('en-US')} test, official binary)`;
  return { train, test, variant, source: dirname(trainPath) };
}

function limitNote(limits: Partial<Record<SplitName, number>>): string {
  const parts = (['train', 'test'] as const).filter((s) => limits[s] !== undefined).map((s) => `${limits[s]} ${s}`);
  return parts.length ? `, first ${parts.join(' / ')} images per class` : '';
}
