// Writers of the real on-disk formats, written independently of the loaders
// (from the format descriptions), so the tests check the parsers against
// files built another way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const made: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs (call it from afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** IDX with dtype 0x08 (unsigned byte), dimensions big-endian. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** CIFAR-10 binary records: label byte then 3072 channel-major pixel bytes. */
export function encodeCifarRecords(labels: Uint8Array, images: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  for (let i = 0; i < labels.length; i++) {
    out[i * 3073] = labels[i];
    out.set(images.subarray(i * 3072, (i + 1) * 3072), i * 3073 + 1);
  }
  return out;
}

/** Deterministic pseudo-random bytes (a fixed LCG: tests must not depend on Math.random). */
export function patternBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** One entry for encodeTar; only `name` and `data` for a plain file. */
export interface TarSpec {
  name: string;
  data?: Uint8Array;
  /** The type flag: '0' file (default), '1' hard link, '2' symlink, '5' folder. */
  type?: string;
  linkName?: string;
  /** Put the name in a GNU 'L' or a pax 'x' header whatever its length, with `placeholder` in the ustar header. */
  longName?: 'gnu' | 'pax';
  placeholder?: string;
}

/**
 * A POSIX ustar archive. Names over 100 bytes use the prefix field when they
 * split at a '/', else a GNU 'L' long-name entry.
 */
export function encodeTar(entries: TarSpec[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  const header = (name: string, prefix: string, size: number, type: string, linkName = '') => {
    const h = new Uint8Array(512);
    h.set(enc.encode(name).subarray(0, 100), 0);
    h.set(enc.encode('0000644\0'), 100);
    h.set(enc.encode('0000000\0'), 108);
    h.set(enc.encode('0000000\0'), 116);
    h.set(enc.encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
    h.set(enc.encode('14000000000\0'), 136);
    h[156] = type.charCodeAt(0);
    h.set(enc.encode(linkName).subarray(0, 100), 157);
    h.set(enc.encode('ustar\0'), 257);
    h.set(enc.encode('00'), 263);
    h.set(enc.encode(prefix), 345);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    return h;
  };
  const padded = (data: Uint8Array) => {
    const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
    out.set(data);
    return out;
  };
  /** A pax record "<len> <key>=<value>\n", where len counts the whole record, itself included. */
  const paxRecord = (key: string, value: string) => {
    const rest = ` ${key}=${value}\n`;
    let len = enc.encode(rest).length;
    while (String(len).length + enc.encode(rest).length !== len) len = String(len).length + enc.encode(rest).length;
    return enc.encode(`${len}${rest}`);
  };
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const bytes = enc.encode(e.name);
    let name = e.name;
    let prefix = '';
    if (e.longName === 'pax') {
      const rec = paxRecord('path', e.name);
      blocks.push(header('PaxHeaders/entry', '', rec.length, 'x'), padded(rec));
      name = e.placeholder ?? 'placeholder';
    } else if (bytes.length > 100 || e.longName === 'gnu') {
      const cut = e.name.lastIndexOf('/', e.name.length - 1);
      if (!e.longName && cut > 0 && cut <= 155 && enc.encode(e.name.slice(cut + 1)).length <= 100) {
        prefix = e.name.slice(0, cut);
        name = e.name.slice(cut + 1);
      } else {
        const long = enc.encode(`${e.name}\0`);
        blocks.push(header('././@LongLink', '', long.length, 'L'), padded(long));
        name = e.placeholder ?? e.name.slice(0, 100);
      }
    }
    blocks.push(header(name, prefix, data.length, e.type ?? '0', e.linkName), padded(data));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** An image file from interleaved RGB pixels (side×side×3). */
export async function encodeImage(rgb: Uint8Array, side: number, format: 'png' | 'jpeg'): Promise<Uint8Array> {
  const img = sharp(rgb, { raw: { width: side, height: side, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90 }).toBuffer();
}

/** Interleaved (HWC) to channel-major (CHW), the CIFAR-10 binary layout. */
export function toChannelMajor(rgb: Uint8Array, side: number): Uint8Array {
  const plane = side * side;
  const out = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[c * plane + p] = rgb[3 * p + c];
  return out;
}

/** Smooth pixels (gradients), what JPEG is made for: noise would measure chroma subsampling, not the loader. */
export function smoothRgb(side: number, seed: number): Uint8Array {
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let c = 0; c < 3; c++) out[3 * (y * side + x) + c] = 20 + ((seed * 7) % 60) + 30 * c + x * (1 + c) + y * (2 - c); // ≤ 232, no wrap-around edges
    }
  }
  return out;
}
