// A structural check of a baseline JPEG's entropy-coded data, because the
// decoder does not make one: libjpeg decodes a file with flipped bytes in its
// image data into a picture with wrong blocks, and warns (what sharp's
// `failOn: 'warning'` turns into an error) only for a few of them, e.g. when
// the data runs out early. Flipped bits desynchronise the Huffman stream, so
// decoding every block's codes shows it: a code that is in no table, a run of
// coefficients past the block's 64, a coefficient no 8-bit image can produce,
// data left over after the last block, or data that ends before it.
//
// Only baseline and extended sequential Huffman JPEGs with 8-bit samples are
// checked (every file of the CIFAR-10 JPEG copy is one); others (progressive,
// arithmetic-coded, 12-bit, not a JPEG) return null and are left to the decoder.
// No IDCT: this reads about a kilobyte per CIFAR image and costs a few percent
// of decoding it.

interface Huffman {
  /** lookup[peek 8 bits] = (code length << 8) | symbol, or 0 when the code is longer than 8 bits. */
  lookup: Uint16Array;
  /** Canonical decoding for longer codes (JPEG spec F.2.2.3): per length 1-16. */
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  symbols: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
}

class Corrupt extends Error {}

function buildHuffman(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  const lookup = new Uint16Array(256);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    if (n > 0) {
      valPtr[len] = k;
      minCode[len] = code;
      for (let i = 0; i < n; i++, code++, k++) {
        if (len <= 8) {
          const shift = 8 - len;
          for (let fill = 0; fill < 1 << shift; fill++) lookup[(code << shift) | fill] = (len << 8) | symbols[k];
        }
      }
      maxCode[len] = code - 1;
    }
    if (code > 1 << len) throw new Corrupt('a Huffman table defines more codes than fit');
    code <<= 1;
  }
  return { lookup, maxCode, valPtr, minCode, symbols };
}

// Most files of a set share their tables (libjpeg's standard ones): build each once.
const huffmanCache = new Map<string, Huffman>();

function cachedHuffman(spec: Uint8Array): Huffman {
  const key = String.fromCharCode(...spec.subarray(1));
  let t = huffmanCache.get(key);
  if (!t) {
    t = buildHuffman(spec.subarray(1, 17), spec.subarray(17));
    if (huffmanCache.size > 64) huffmanCache.clear();
    huffmanCache.set(key, t);
  }
  return t;
}

/** Reads the entropy-coded bits of one scan: undoes byte stuffing, stops at a marker (then feeds zeros, as libjpeg does). */
class BitReader {
  private buf = 0;
  private n = 0;
  /** Bits of real data loaded, and consumed. */
  realBits = 0;
  usedBits = 0;
  /** Where the marker that ends the data starts, once reached. */
  markerAt = -1;

  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    while (this.n <= 24) {
      let byte = 0;
      if (this.markerAt < 0) {
        const b = this.bytes[this.pos];
        if (this.pos >= this.bytes.length) this.markerAt = this.bytes.length;
        else if (b !== 0xff) {
          byte = b;
          this.pos++;
          this.realBits += 8;
        } else if (this.bytes[this.pos + 1] === 0x00) {
          byte = 0xff;
          this.pos += 2;
          this.realBits += 8;
        } else this.markerAt = this.pos;
      }
      this.buf = ((this.buf << 8) | byte) >>> 0;
      this.n += 8;
    }
  }

  bits(k: number): number {
    if (k === 0) return 0;
    this.fill();
    const v = (this.buf >>> (this.n - k)) & ((1 << k) - 1);
    this.n -= k;
    this.buf &= (1 << this.n) - 1;
    this.usedBits += k;
    return v;
  }

  decode(t: Huffman): number {
    this.fill();
    const entry = t.lookup[(this.buf >>> (this.n - 8)) & 0xff];
    if (entry !== 0) {
      const len = entry >> 8;
      this.n -= len;
      this.buf &= (1 << this.n) - 1;
      this.usedBits += len;
      return entry & 0xff;
    }
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.bits(1);
      if (code <= t.maxCode[len]) return t.symbols[t.valPtr[len] + code - t.minCode[len]];
    }
    throw new Corrupt('a Huffman code that is in no table');
  }

  /** Whether the data ran out (the decoder would have invented zeros). */
  overran(): boolean {
    return this.usedBits > this.realBits;
  }

  /** At a restart or the end of the scan: fewer than 8 padding bits may remain, then a marker must follow; returns its offset. */
  finishSegment(): number {
    if (this.usedBits > this.realBits) throw new Corrupt('the image data ends before its last block');
    if (this.markerAt < 0) this.fill(); // reaches the marker when it comes next
    if (this.markerAt < 0 || this.realBits - this.usedBits >= 8) throw new Corrupt('image data continues after the last block');
    return this.markerAt;
  }

  restart(at: number): void {
    this.pos = at;
    this.buf = 0;
    this.n = 0;
    this.realBits = 0;
    this.usedBits = 0;
    this.markerAt = -1;
  }
}

/**
 * Null when `bytes` is a consistent baseline JPEG (or not one this checks);
 * else what is wrong, in a few words.
 */
export function jpegProblem(bytes: Uint8Array): string | null {
  try {
    return check(bytes);
  } catch (err) {
    if (err instanceof Corrupt) return err.message;
    throw err;
  }
}

function check(bytes: Uint8Array): string | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null; // not a JPEG: the decoder decides
  const dc: (Huffman | undefined)[] = [];
  const ac: (Huffman | undefined)[] = [];
  const quant: (Int32Array | undefined)[] = [];
  let frame: { width: number; height: number; comps: Component[] } | null = null;
  let restartInterval = 0;
  let scans = 0;
  let pos = 2;
  for (;;) {
    if (pos >= bytes.length) throw new Corrupt('the file ends without an end-of-image marker (truncated)');
    if (bytes[pos] !== 0xff) throw new Corrupt(`byte 0x${bytes[pos].toString(16)} at offset ${pos} where a marker should be`);
    while (bytes[pos] === 0xff) pos++;
    const marker = bytes[pos++];
    if (marker === 0xd9) {
      if (!frame || scans === 0) throw new Corrupt('no image data before the end-of-image marker');
      return null;
    }
    if (marker >= 0xd0 && marker <= 0xd7) throw new Corrupt('a restart marker outside the image data');
    if (marker === 0x01 || marker === 0xd8) continue;
    if (pos + 2 > bytes.length) throw new Corrupt('the file ends inside a segment (truncated)');
    const length = (bytes[pos] << 8) | bytes[pos + 1];
    if (length < 2 || pos + length > bytes.length) throw new Corrupt('the file ends inside a segment (truncated)');
    const seg = bytes.subarray(pos + 2, pos + length);
    pos += length;
    if (marker === 0xc0 || marker === 0xc1) {
      if (seg[0] !== 8) return null; // 12-bit samples: not checked
      const nc = seg[5];
      const comps: Component[] = [];
      for (let i = 0; i < nc; i++) comps.push({ id: seg[6 + 3 * i], h: seg[7 + 3 * i] >> 4, v: seg[7 + 3 * i] & 15, tq: seg[8 + 3 * i] });
      if (comps.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) throw new Corrupt('bad sampling factors');
      frame = { height: (seg[1] << 8) | seg[2], width: (seg[3] << 8) | seg[4], comps };
      if (frame.width === 0 || frame.height === 0) return null; // height from a DNL marker: not checked
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return null; // progressive, lossless, hierarchical or arithmetic-coded: not checked
    } else if (marker === 0xc4) {
      for (let at = 0; at < seg.length;) {
        const tc = seg[at] >> 4;
        const th = seg[at] & 15;
        const counts = seg.subarray(at + 1, at + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        if (at + 17 + total > seg.length || th > 3 || tc > 1) throw new Corrupt('a malformed Huffman table');
        (tc === 0 ? dc : ac)[th] = cachedHuffman(seg.subarray(at, at + 17 + total));
        at += 17 + total;
      }
    } else if (marker === 0xdb) {
      for (let at = 0; at < seg.length;) {
        const pq = seg[at] >> 4;
        const tq = seg[at] & 15;
        const table = new Int32Array(64);
        for (let i = 0; i < 64; i++) table[i] = pq ? (seg[at + 1 + 2 * i] << 8) | seg[at + 2 + 2 * i] : seg[at + 1 + i];
        if (tq > 3) throw new Corrupt('a malformed quantisation table');
        quant[tq] = table;
        at += 1 + 64 * (pq ? 2 : 1);
      }
    } else if (marker === 0xdd) {
      restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xda) {
      if (!frame) throw new Corrupt('image data before the frame header');
      pos = scan(bytes, pos, seg, frame, dc, ac, quant, restartInterval);
      scans++;
    }
    // APPn, COM and other segments: skipped.
  }
}

/** Decodes one scan's blocks; returns the offset of the marker after it. */
function scan(
  bytes: Uint8Array,
  start: number,
  seg: Uint8Array,
  frame: { width: number; height: number; comps: Component[] },
  dcTables: (Huffman | undefined)[],
  acTables: (Huffman | undefined)[],
  quant: (Int32Array | undefined)[],
  restartInterval: number,
): number {
  const ns = seg[0];
  if (seg[1 + 2 * ns] !== 0 || seg[2 + 2 * ns] !== 63 || seg[3 + 2 * ns] !== 0) throw new Corrupt('a sequential frame with a progressive scan');
  const hmax = Math.max(...frame.comps.map((c) => c.h));
  const vmax = Math.max(...frame.comps.map((c) => c.v));
  const members = [];
  for (let j = 0; j < ns; j++) {
    const comp = frame.comps.find((c) => c.id === seg[1 + 2 * j]);
    const dc = dcTables[seg[2 + 2 * j] >> 4];
    const ac = acTables[seg[2 + 2 * j] & 15];
    const q = comp ? quant[comp.tq] : undefined;
    if (!comp || !dc || !ac || !q) throw new Corrupt('a scan refers to a missing component or table');
    // The largest quantised value an 8-bit image can give, with some slack for rounding in integer DCTs.
    const limit = Int32Array.from(q, (qv, i) => (qv === 0 ? 0x7fffffff : Math.floor(((i === 0 ? 1024 : 2048) + 16) / qv) + 1));
    // The DCT is orthonormal: the coefficients of a block of samples in -128..127 have a norm of at most 1024,
    // and quantisation moves each by at most half its step.
    const maxNorm = 1024 + 0.5 * Math.sqrt(q.reduce((a, v) => a + v * v, 0)) + 16;
    members.push({ comp, dc, ac, limit, q, maxEnergy: maxNorm * maxNorm, pred: 0 });
  }
  // Interleaved: MCUs of h×v blocks per component; one component alone: its own block grid.
  const single = ns === 1;
  const mcusX = single ? Math.ceil(Math.ceil((frame.width * members[0].comp.h) / hmax) / 8) : Math.ceil(frame.width / (8 * hmax));
  const mcusY = single ? Math.ceil(Math.ceil((frame.height * members[0].comp.v) / vmax) / 8) : Math.ceil(frame.height / (8 * vmax));
  const total = mcusX * mcusY;
  const reader = new BitReader(bytes, start);
  let nextRst = 0;
  for (let mcu = 0; mcu < total; mcu++) {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
      const at = reader.finishSegment();
      if (at < 0 || bytes[at] !== 0xff || bytes[at + 1] !== (0xd0 | nextRst))
        throw new Corrupt(`restart marker ${nextRst} missing after block group ${mcu / restartInterval}`);
      nextRst = (nextRst + 1) & 7;
      reader.restart(at + 2);
      for (const m of members) m.pred = 0;
    }
    for (const m of members) {
      const blocks = single ? 1 : m.comp.h * m.comp.v;
      for (let b = 0; b < blocks; b++) {
        const s = reader.decode(m.dc);
        if (s > 11) throw new Corrupt(`a DC difference of category ${s}`);
        m.pred += extend(reader.bits(s), s);
        if (Math.abs(m.pred) > m.limit[0]) throw new Corrupt(`a DC coefficient (${m.pred}) no 8-bit image has`);
        const dcValue = m.pred * m.q[0];
        let energy = dcValue * dcValue;
        for (let k = 1; k < 64;) {
          const rs = reader.decode(m.ac);
          const r = rs >> 4;
          const size = rs & 15;
          if (size === 0) {
            if (r !== 15) break; // end of block
            k += 16;
            if (k > 64) throw new Corrupt('a run of zero coefficients past the end of a block');
            continue;
          }
          if (size > 10) throw new Corrupt(`an AC coefficient of category ${size}`);
          k += r;
          if (k > 63) throw new Corrupt('a run of zero coefficients past the end of a block');
          const value = extend(reader.bits(size), size);
          if (Math.abs(value) > m.limit[k]) throw new Corrupt(`an AC coefficient (${value}) no 8-bit image has`);
          const v = value * m.q[k];
          energy += v * v;
          k++;
        }
        if (energy > m.maxEnergy) throw new Corrupt(`a block with more energy (${Math.round(Math.sqrt(energy))}) than any 8×8 block of 8-bit samples`);
      }
    }
    if (reader.overran()) throw new Corrupt(`the image data ends before its last block (block group ${mcu + 1} of ${total})`);
  }
  const end = reader.finishSegment();
  if (end < 0 || end >= bytes.length) throw new Corrupt('the file ends without an end-of-image marker (truncated)');
  return end;
}

function extend(v: number, s: number): number {
  return s === 0 ? 0 : v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}
