// A cache of decoded image sets: decoding the 60,000 CIFAR-10 JPEGs takes tens
// of seconds, reading the decoded bytes back well under one. One binary file
// (train images, train labels, test images, test labels, back to back) and a
// small JSON header that describes it, both written atomically. The header is
// written last, so a header always describes a complete binary.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/atomic-write.ts';
import type { ImageSplit } from './image-set.ts';

const FORMAT = 'modularity-image-cache/1';

interface CacheHeader {
  format: string;
  key: string;
  /** What the key was computed from, so a person can tell what a cache file holds. */
  describes: unknown;
  bytesPerImage: number;
  train: number;
  test: number;
  bytes: number;
}

export interface CachedSplits {
  train: ImageSplit;
  test: ImageSplit;
}

/**
 * A short hash of everything the decoded bytes depend on (source fingerprint,
 * options, decoder). Callers build `describes` with a fixed key order, so plain
 * JSON is canonical enough.
 */
export function imageCacheKey(describes: unknown): string {
  return createHash('sha256').update(JSON.stringify(describes)).digest('hex').slice(0, 16);
}

function paths(cacheDir: string, name: string, key: string) {
  return { bin: join(cacheDir, `${name}-${key}.bin`), json: join(cacheDir, `${name}-${key}.json`) };
}

/** The cached splits, or null when absent or not matching (a mismatch is treated as a miss, never trusted). */
export function readImageCache(cacheDir: string, name: string, key: string): CachedSplits | null {
  const p = paths(cacheDir, name, key);
  if (!existsSync(p.json) || !existsSync(p.bin)) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(readFileSync(p.json, 'utf8')) as CacheHeader;
  } catch {
    return null;
  }
  const expectedBytes = (header.train + header.test) * (header.bytesPerImage + 1);
  if (header.format !== FORMAT || header.key !== key || header.bytes !== expectedBytes || statSync(p.bin).size !== expectedBytes) return null;
  const buf = readFileSync(p.bin);
  // Plain Uint8Array views (not Buffers) so callers get exactly the type fresh decoding gives.
  const view = (offset: number, length: number) => new Uint8Array(buf.buffer, buf.byteOffset + offset, length);
  const split = (start: number, n: number): ImageSplit => ({
    images: view(start, n * header.bytesPerImage),
    labels: view(start + n * header.bytesPerImage, n),
    n,
  });
  return { train: split(0, header.train), test: split(header.train * (header.bytesPerImage + 1), header.test) };
}

export function writeImageCache(cacheDir: string, name: string, key: string, describes: unknown, data: CachedSplits): void {
  const bytesPerImage = data.train.n > 0 ? data.train.images.length / data.train.n : data.test.images.length / Math.max(1, data.test.n);
  const bytes = (data.train.n + data.test.n) * (bytesPerImage + 1);
  const bin = new Uint8Array(bytes);
  let at = 0;
  for (const part of [data.train.images, data.train.labels, data.test.images, data.test.labels]) {
    bin.set(part, at);
    at += part.length;
  }
  const p = paths(cacheDir, name, key);
  writeFileAtomic(p.bin, bin);
  const header: CacheHeader = { format: FORMAT, key, describes, bytesPerImage, train: data.train.n, test: data.test.n, bytes };
  writeFileAtomic(p.json, `${JSON.stringify(header, null, 2)}\n`);
}
