// Checks that an artifact's masks file agrees with its own index and tables:
// the byte length and offsets against `maskFile.entries`, each entry's `kept`
// against the bits, and every weights-kept and overlap row whose masks are in
// the file recomputed from the bits. A number edited in those tables is then
// wrong against the masks, whatever the manifest says. Free of tfjs.
import type { ResultArtifact } from './schema.ts';

const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let b = i; b; b >>= 1) n += b & 1;
  return n;
});

function popcount(bytes: Uint8Array, other?: Uint8Array, op?: 'and' | 'or'): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) n += POPCOUNT[other ? (op === 'and' ? bytes[i] & other[i] : bytes[i] | other[i]) : bytes[i]];
  return n;
}

/** The mask file's key of a (variant, mask) pair, as the assembler writes it. */
export function maskKey(variant: string, mask: string): string {
  return variant === 'normal' ? mask : `${variant}/${mask}`;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9;

export interface MaskIntegrity {
  problems: string[];
  /** Table rows recomputed from the bits. */
  rowsChecked: number;
}

export function maskIntegrity(artifact: ResultArtifact, masksBin: Uint8Array): MaskIntegrity {
  const problems: string[] = [];
  const entries = artifact.maskFile.entries;
  let offset = 0;
  const bits = new Map<string, Uint8Array>();
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const where = `masks.bin entry seed ${e.seed} ${e.mask} ${e.layer}`;
    if (e.offset !== offset) problems.push(`${where}: offset ${e.offset}, expected ${offset}`);
    if (e.bytes !== Math.ceil(size / 8)) problems.push(`${where}: ${e.bytes} bytes for ${size} weights`);
    offset = e.offset + e.bytes;
    if (offset > masksBin.length) continue;
    const b = masksBin.subarray(e.offset, e.offset + e.bytes);
    if (size % 8 && b.length && b[b.length - 1] >> (size % 8)) problems.push(`${where}: padding bits set`);
    if (popcount(b) !== e.kept) problems.push(`${where}: kept ${e.kept}, the bits have ${popcount(b)}`);
    bits.set(`${e.seed}\0${e.mask}\0${e.layer}`, b);
  }
  if (offset !== masksBin.length) problems.push(`masks.bin has ${masksBin.length} bytes, its entries ${offset}`);
  let rowsChecked = 0;
  const get = (seed: number, variant: string, mask: string, layer: string) => bits.get(`${seed}\0${maskKey(variant, mask)}\0${layer}`);
  for (const r of artifact.tables.weightsKept) {
    const b = get(r.seed, r.variant, r.mask, r.layer);
    if (!b) continue;
    rowsChecked++;
    if (popcount(b) !== r.kept) problems.push(`weightsKept seed ${r.seed} ${r.variant}/${r.mask} ${r.layer}: kept ${r.kept}, the mask has ${popcount(b)}`);
  }
  for (const r of artifact.tables.overlap) {
    const a = get(r.seed, r.variant, r.a, r.layer),
      b = get(r.seed, r.variant, r.b, r.layer);
    if (!a || !b) continue;
    rowsChecked++;
    const entry = entries.find((e) => e.seed === r.seed && e.mask === maskKey(r.variant, r.a) && e.layer === r.layer)!;
    const total = entry.shape.reduce((x, y) => x * y, 1);
    const sa = popcount(a),
      sb = popcount(b),
      inter = popcount(a, b, 'and'),
      union = popcount(a, b, 'or');
    const pa = sa / total,
      pb = sb / total,
      cu = pa + pb - pa * pb;
    const want = {
      intersection: inter,
      union,
      iou: union ? inter / union : 0,
      iomin: Math.min(sa, sb) ? inter / Math.min(sa, sb) : 0,
      sharedOfA: sa ? inter / sa : 0,
      chanceIou: cu === 0 ? 0 : (pa * pb) / cu,
    };
    for (const [k, v] of Object.entries(want)) {
      if (!close(r[k as keyof typeof want], v))
        problems.push(`overlap seed ${r.seed} ${r.variant} ${r.a}∧${r.b} ${r.layer}: ${k} ${r[k as keyof typeof want]}, the masks give ${v}`);
    }
  }
  return { problems, rowsChecked };
}
