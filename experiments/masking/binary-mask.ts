// Binary masks: a weight is kept iff its logit > 0 (docs/method.md §1.2). Stored
// as one byte per weight in memory and bit-packed (LSB first) on disk.

export type BinaryMask = Uint8Array;

export function binarize(logits: Float32Array): BinaryMask {
  const m = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) m[i] = logits[i] > 0 ? 1 : 0;
  return m;
}

/** ¬m: every weight the mask did not keep. */
export function invert(mask: BinaryMask): BinaryMask {
  const m = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) m[i] = mask[i] ? 0 : 1;
  return m;
}

export function countKept(mask: BinaryMask): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Bit i of the result is mask[i], least significant bit first within each byte. */
export function packBits(mask: BinaryMask): Uint8Array {
  const out = new Uint8Array(Math.ceil(mask.length / 8));
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

export function unpackBits(packed: Uint8Array, length: number): BinaryMask {
  if (packed.length !== Math.ceil(length / 8)) throw new Error(`packed mask has ${packed.length} bytes, expected ${Math.ceil(length / 8)}`);
  const m = new Uint8Array(length);
  for (let i = 0; i < length; i++) m[i] = (packed[i >> 3] >> (i & 7)) & 1;
  return m;
}
