// The image-folder layout `train/<class>/<file>`, `test/<class>/<file>` (as in
// torchvision's ImageFolder), read from an extracted directory or straight from
// a (gzipped) tar archive, decoded to the official CIFAR-10 binary layout.
//
// Order: class by class in the order given (for CIFAR-10, its official label
// order), files within a class sorted by name. Decoded arrays are cached in
// `cacheDir` when one is given, keyed by the source's size and mtime (archive)
// or by every file's name, size and mtime (directory), the options and the
// decoder version.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { imageCacheKey, readImageCache, writeImageCache } from './image-cache.ts';
import type { ImageSplit } from './image-set.ts';
import { DECODER_VERSION, decodeRgbChannelMajor, forEachConcurrent } from './jpeg-decode.ts';
import { readTarFile } from './tar.ts';

export type SplitName = 'train' | 'test';
const SPLITS: SplitName[] = ['train', 'test'];
const IMAGE_FILE = /\.(jpe?g|png)$/i;

export interface ImageFolderOptions {
  classes: readonly string[];
  side: number;
  /** Where decoded arrays are cached; no caching without it. */
  cacheDir?: string;
  /** Only the first k files (by name) of each class, e.g. for fast tests. */
  limitPerClass?: Partial<Record<SplitName, number>>;
  /** Images decoded at once (default 2: this runs beside training on small machines). */
  concurrency?: number;
  onProgress?: (e: { decoded: number; total: number }) => void;
}

export interface ImageFolderResult {
  train: ImageSplit;
  test: ImageSplit;
  fromCache: boolean;
}

interface ImageFile {
  split: SplitName;
  className: string;
  name: string;
  read: () => Uint8Array;
}

/** What the decoded arrays of `source` depend on, and the cache key made from it. */
function folderCacheKey(source: string, opts: ImageFolderOptions): { describes: unknown; key: string } {
  const isDir = statSync(source).isDirectory();
  const describes = {
    source: isDir ? directoryFingerprint(source) : archiveFingerprint(source),
    classes: opts.classes,
    side: opts.side,
    limitPerClass: { train: opts.limitPerClass?.train ?? null, test: opts.limitPerClass?.test ?? null },
    layout: 'channel-major uint8, class-major order',
    decoder: DECODER_VERSION,
  };
  return { describes, key: imageCacheKey(describes) };
}

/**
 * The decoded arrays from the cache, without decoding (synchronous, for the
 * worker processes of the experiments); null when they have not been decoded
 * into `cacheDir` yet.
 */
export function readImageFolderCache(source: string, opts: ImageFolderOptions & { cacheDir: string }): ImageFolderResult | null {
  const cached = readImageCache(opts.cacheDir, 'image-folder', folderCacheKey(source, opts).key);
  return cached ? { ...cached, fromCache: true } : null;
}

export async function loadImageFolder(source: string, opts: ImageFolderOptions): Promise<ImageFolderResult> {
  const isDir = statSync(source).isDirectory();
  const { describes, key } = folderCacheKey(source, opts);
  if (opts.cacheDir) {
    const cached = readImageCache(opts.cacheDir, 'image-folder', key);
    if (cached) return { ...cached, fromCache: true };
  }
  const files = isDir ? listDirectory(source) : listArchive(source);
  const chosen = SPLITS.map((split) => selectSplit(files, split, opts, source));
  const total = chosen[0].length + chosen[1].length;
  let decoded = 0;
  const splits: ImageSplit[] = [];
  const bytesPerImage = 3 * opts.side * opts.side;
  for (const list of chosen) {
    const images = new Uint8Array(list.length * bytesPerImage);
    const labels = Uint8Array.from(list, (f) => opts.classes.indexOf(f.className));
    await forEachConcurrent(list.length, opts.concurrency ?? 2, async (i) => {
      const f = list[i];
      await decodeRgbChannelMajor(f.read(), opts.side, images, i * bytesPerImage, `${source}: ${f.split}/${f.className}/${f.name}`);
      decoded++;
      if (opts.onProgress && (decoded % 1000 === 0 || decoded === total)) opts.onProgress({ decoded, total });
    });
    splits.push({ images, labels, n: list.length });
  }
  const result = { train: splits[0], test: splits[1] };
  if (opts.cacheDir) writeImageCache(opts.cacheDir, 'image-folder', key, describes, result);
  return { ...result, fromCache: false };
}

/** One split's files in class order then name order, checked against the expected classes. */
function selectSplit(files: ImageFile[], split: SplitName, opts: ImageFolderOptions, source: string): ImageFile[] {
  const byClass = new Map<string, ImageFile[]>();
  for (const f of files) {
    if (f.split !== split) continue;
    if (!byClass.has(f.className)) byClass.set(f.className, []);
    byClass.get(f.className)!.push(f);
  }
  const unknown = [...byClass.keys()].filter((c) => !opts.classes.includes(c));
  if (unknown.length) throw new UserError(`${source}: unexpected class folder(s) ${split}/${unknown.sort().join(', ')} (expected ${opts.classes.join(', ')})`);
  const missing = opts.classes.filter((c) => !byClass.has(c));
  if (missing.length)
    throw new UserError(`${source}: no images in ${missing.map((c) => `${split}/${c}/`).join(', ')} (expected the layout ${split}/<class>/<image>.jpg)`);
  const limit = opts.limitPerClass?.[split] ?? Infinity;
  // Code-unit order, not localeCompare: the order must not depend on the machine's locale.
  return opts.classes.flatMap((c) =>
    byClass
      .get(c)!
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit),
  );
}

function listArchive(path: string): ImageFile[] {
  // Keyed by path: a tar may hold one path twice, and the later copy wins, as GNU tar extracts it
  // (only read here; extractTar, which writes, refuses such archives).
  const byPath = new Map<string, ImageFile>();
  for (const e of readTarFile(path)) {
    const parts = e.name.split('/').filter((s) => s !== '' && s !== '.');
    // `train/<class>/<file>`, possibly under one top-level folder.
    if (parts.length < 3 || parts.length > 4 || !IMAGE_FILE.test(parts[parts.length - 1])) continue;
    const [split, className, name] = parts.slice(-3);
    if (split === 'train' || split === 'test') byPath.set(parts.join('/'), { split, className, name, read: () => e.data });
  }
  const files = [...byPath.values()];
  if (files.length === 0) throw new UserError(`${path}: no images in the layout train/<class>/<image>.jpg, test/<class>/<image>.jpg`);
  return files;
}

function listDirectory(dir: string): ImageFile[] {
  const files: ImageFile[] = [];
  for (const split of SPLITS) {
    const splitDir = join(dir, split);
    let classes: string[];
    try {
      classes = readdirSync(splitDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      throw new UserError(`no ${split}/ folder in ${dir} (expected the layout ${split}/<class>/<image>.jpg)`);
    }
    for (const className of classes) {
      for (const name of readdirSync(join(splitDir, className))) {
        if (IMAGE_FILE.test(name)) files.push({ split, className, name, read: () => readFileSync(join(splitDir, className, name)) });
      }
    }
  }
  return files;
}

function archiveFingerprint(path: string) {
  const s = statSync(path);
  return { kind: 'archive', size: s.size, mtimeMs: s.mtimeMs };
}

function directoryFingerprint(dir: string) {
  const listing: string[] = [];
  for (const split of SPLITS) {
    const splitDir = join(dir, split);
    let classes: string[] = [];
    try {
      classes = readdirSync(splitDir).sort();
    } catch {
      continue; // reported when listing
    }
    for (const c of classes) {
      let names: string[] = [];
      try {
        names = readdirSync(join(splitDir, c)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const s = statSync(join(splitDir, c, name));
        listing.push(`${split}/${c}/${name}:${s.size}:${s.mtimeMs}`);
      }
    }
  }
  return { kind: 'directory', files: listing.length, listing: imageCacheKey(listing) };
}
