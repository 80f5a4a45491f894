// Decoding small RGB images (the CIFAR-10 JPEG copy) with sharp into the
// official CIFAR-10 binary layout, so JPEG and binary variants feed the same
// model code.
import sharp from 'sharp';
import { UserError } from '../../runtime/errors.ts';
import { jpegProblem } from './jpeg-check.ts';

/** The decoder's identity: a different libvips/libjpeg may round differently, so it enters cache keys. */
export const DECODER_VERSION = `sharp ${sharp.versions.sharp}, vips ${sharp.versions.vips}, mozjpeg ${sharp.versions.mozjpeg ?? 'n/a'}`;

/**
 * Decodes one image to side×side×3 uint8 and writes it channel-major (all R,
 * then all G, then all B) into `out` at `offset`. Other sizes are refused, not
 * resized: a resized copy would be another dataset.
 */
export async function decodeRgbChannelMajor(bytes: Uint8Array, side: number, out: Uint8Array, offset: number, what: string): Promise<void> {
  // libjpeg decodes most files with flipped bytes without a word (a picture with wrong blocks): check the data first.
  const problem = jpegProblem(bytes);
  if (problem) throw new UserError(`${what}: corrupt JPEG data (${problem})`);
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    // Grayscale or CMYK files become sRGB with three channels; an alpha channel is dropped.
    // failOn 'warning' (sharp's default, the strictest): a decoder warning such as "premature end" is an error.
    decoded = await sharp(bytes, { failOn: 'warning' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new UserError(`${what}: cannot decode image (${(err as Error).message.split('\n')[0]})`);
  }
  const { data, info } = decoded;
  if (info.width !== side || info.height !== side) throw new UserError(`${what}: image is ${info.width}×${info.height}, expected ${side}×${side}`);
  if (info.channels !== 3) throw new UserError(`${what}: decoded to ${info.channels} channels, expected 3`);
  const plane = side * side;
  for (let p = 0; p < plane; p++) {
    out[offset + p] = data[3 * p];
    out[offset + plane + p] = data[3 * p + 1];
    out[offset + 2 * plane + p] = data[3 * p + 2];
  }
}

/** Runs task(0..count-1) with at most `concurrency` in flight (sharp decodes on libuv's thread pool). */
export async function forEachConcurrent(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (next < count && !failed) await task(next++);
    } catch (err) {
      failed = true; // the other workers stop too, instead of decoding the remaining thousands
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}
