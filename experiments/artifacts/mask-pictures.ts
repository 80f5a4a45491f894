// Per-layer mask pictures (PNG, made with sharp): one pixel per weight, a
// colour for "only mask a", "only mask b", "both" (shared) and "neither". The
// picture is landscape: the longer side of the weight matrix runs horizontally.
import sharp from 'sharp';
import type { MaskImage } from './schema.ts';
import type { BinaryMask } from '../masking/binary-mask.ts';

/** Colour-blind-safe palette (Okabe-Ito) plus a pale grey for unused weights. */
export const PICTURE_COLORS = { a: '#E69F00', b: '#0072B2', both: '#000000', neither: '#EEEEEE' };

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

export interface PictureRequest {
  seed: number;
  variant: string;
  layer: string;
  /** Mask ids of a and b (they name the file: one experiment may draw several pairs per layer). */
  ids: { a: string; b: string };
  /** [rows, cols] of the weight matrix (rows = input units). */
  shape: [number, number];
  a: BinaryMask;
  b: BinaryMask;
  labelA: string;
  labelB: string;
}

/** Renders one picture; returns its PNG bytes and the image record (file name relative to the artifact folder). */
export async function renderMaskPicture(req: PictureRequest): Promise<{ png: Uint8Array; image: MaskImage }> {
  const [rows, cols] = req.shape;
  const transpose = rows > cols;
  const width = transpose ? rows : cols;
  const height = transpose ? cols : rows;
  const pixels = new Uint8Array(width * height * 3);
  const colors = { a: rgb(PICTURE_COLORS.a), b: rgb(PICTURE_COLORS.b), both: rgb(PICTURE_COLORS.both), neither: rgb(PICTURE_COLORS.neither) };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const color = req.a[i] && req.b[i] ? colors.both : req.a[i] ? colors.a : req.b[i] ? colors.b : colors.neither;
      const [x, y] = transpose ? [r, c] : [c, r];
      pixels.set(color, (y * width + x) * 3);
    }
  }
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  const file = `images/seed${req.seed}-${req.variant}-${req.ids.a}-vs-${req.ids.b}-${req.layer}.png`;
  return {
    png: new Uint8Array(png),
    image: {
      seed: req.seed,
      variant: req.variant,
      layer: req.layer,
      pair: req.ids,
      file,
      width,
      height,
      axes: transpose ? `x: ${rows} input units, y: ${cols} output units` : `x: ${cols} output units, y: ${rows} input units`,
      legend: [
        { label: `${req.labelA} only`, color: PICTURE_COLORS.a },
        { label: `${req.labelB} only`, color: PICTURE_COLORS.b },
        { label: 'both (shared)', color: PICTURE_COLORS.both },
        { label: 'neither', color: PICTURE_COLORS.neither },
      ],
    },
  };
}
