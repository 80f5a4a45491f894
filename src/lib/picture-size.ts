// Display size of a mask picture (one pixel per weight). Pictures are enlarged
// by whole numbers only, so under pixelated rendering every weight stays a
// crisp block; a picture wider than the text column is scaled down to fit.
//
// Two sizes: thumbnails (about `thumbnail` px on the long side, for galleries of
// many layers) and wide (as wide as the column allows, for the one layer a
// write-up wants read closely). Pictures whose rows carry labels (SCAN's output
// layer: one row per output token) get rows at least `minRowHeight` px tall so
// the labels line up with them; that stretches the rows, and `stretch` says by
// how much, so the page can tell the reader.

/** The site's text column in CSS px (the width charts are drawn at, less padding). */
export const COLUMN_PX = 880;
/** Room left of a labelled picture for its row labels (monospace token names). */
export const ROW_LABEL_GUTTER_PX = 100;

export interface PictureSizeOptions {
  wide?: boolean;
  /** The picture's rows are labelled (one label per row of pixels). */
  labelledRows?: boolean;
  thumbnail?: number;
  minRowHeight?: number;
  /** Tallest a wide picture is enlarged to before its rows are stretched. */
  maxWideHeight?: number;
}

export interface PictureSize {
  width: number;
  height: number;
  /** Rows are drawn this many times taller than columns are wide (1 = square pixels). */
  stretch: number;
}

export function pictureSize(image: { width: number; height: number }, options: PictureSizeOptions = {}): PictureSize {
  const { thumbnail = 320, minRowHeight = 18, maxWideHeight = 210 } = options;
  const column = COLUMN_PX - (options.labelledRows ? ROW_LABEL_GUTTER_PX : 0);
  const long = Math.max(image.width, image.height);
  if (long > column) {
    // Too large for the column even at one pixel per weight: scale down to fit.
    const s = column / long;
    return { width: Math.max(1, Math.round(image.width * s)), height: Math.max(1, Math.round(image.height * s)), stretch: 1 };
  }
  const scale = options.wide
    ? Math.max(1, Math.min(Math.floor(column / image.width), Math.floor(maxWideHeight / image.height)))
    : Math.max(1, Math.floor(thumbnail / long));
  // Whole multiples of the column scale, so the stretch is a whole number too.
  const rowScale = options.labelledRows ? Math.ceil(Math.max(scale, minRowHeight) / scale) * scale : scale;
  return { width: image.width * scale, height: image.height * rowScale, stretch: rowScale / scale };
}
