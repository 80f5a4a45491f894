// Reading an artifact's masks file (masks.bin) without this project: plain
// TypeScript, no dependencies, the same in Node and in a browser.
//
// The format. masks.bin is the concatenation of bit-packed binary masks, one
// per (seed, mask, layer), in the order of result.json's `maskFile.entries`.
// An entry gives its mask's `seed`, `mask` (the mask id, "<variant>/<mask>" for
// a variant other than "normal"), `layer`, the weight tensor's `shape`
// [rows, cols] (rows = inputs, cols = outputs: the layout of W in W ⊙ m, see
// the artifact's `layers` for what rows and columns are), its byte `offset` and
// `bytes` = ⌈rows·cols / 8⌉, and `kept`, the number of 1 bits. Weight i (row-
// major: i = row · cols + col) is bit i mod 8 of byte ⌊i / 8⌋, least
// significant bit first; padding bits are 0.
//
//   const result = JSON.parse(await (await fetch('result.json')).text());
//   const bin = new Uint8Array(await (await fetch('masks.bin')).arrayBuffer());
//   const m = readMask(result, bin, { seed: 1, mask: 'add', layer: 'layer2' });
//   m.at(0, 5); // 1 if the + mask keeps weight (input 0 → unit 5)

export interface MaskEntry {
  seed: number;
  mask: string;
  layer: string;
  shape: number[];
  offset: number;
  bytes: number;
  kept: number;
}

export interface ReadMask {
  shape: number[];
  /** One byte per weight, 1 = kept, row-major. */
  bits: Uint8Array;
  kept: number;
  /** Whether weight (row, col) is kept: 1 or 0. */
  at(row: number, col: number): number;
}

/** The mask of `which` from the artifact's index and its masks file; throws naming what is missing or inconsistent. */
export function readMask(result: { maskFile: { entries: MaskEntry[] } }, masksBin: Uint8Array, which: { seed: number; mask: string; layer: string }): ReadMask {
  const e = result.maskFile.entries.find((x) => x.seed === which.seed && x.mask === which.mask && x.layer === which.layer);
  if (!e) throw new Error(`no mask ${which.mask} of layer ${which.layer}, seed ${which.seed}, in this artifact`);
  const size = e.shape.reduce((a, b) => a * b, 1);
  if (e.bytes !== Math.ceil(size / 8) || e.offset + e.bytes > masksBin.length)
    throw new Error(`masks.bin does not hold entry ${e.mask} ${e.layer} seed ${e.seed} as indexed`);
  const bits = new Uint8Array(size);
  let kept = 0;
  for (let i = 0; i < size; i++) {
    const b = (masksBin[e.offset + (i >> 3)] >> (i & 7)) & 1;
    bits[i] = b;
    kept += b;
  }
  if (kept !== e.kept) throw new Error(`mask ${e.mask} ${e.layer} seed ${e.seed}: ${kept} bits set, the index says ${e.kept}`);
  const cols = e.shape[e.shape.length - 1];
  return { shape: e.shape, bits, kept, at: (row, col) => bits[row * cols + col] };
}
