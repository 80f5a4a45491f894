// A minimal reader of tar archives (ustar, with GNU long names and pax paths),
// plain or gzipped, held in memory: the archives read here are the CIFAR-10
// JPEG copy (~93 MB unpacked) and the binary tarball (~185 MB), which fit
// comfortably and need no streaming. Only regular files are returned;
// directories, links and devices are skipped.
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { writeFileAtomic } from '../../runtime/atomic-write.ts';
import { gunzipIfGzipped } from './gzip.ts';

export interface TarEntry {
  /** The path inside the archive, '/'-separated. */
  name: string;
  /** A view into the archive's bytes (no copy). */
  data: Uint8Array;
}

const BLOCK = 512;
const text = new TextDecoder();

/** Parses a tar archive (plain or gzipped); `what` names the source in errors. */
export function parseTar(input: Uint8Array, what: string): TarEntry[] {
  const bytes = gunzipIfGzipped(input, what);
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    checkChecksum(header, at, what);
    const size = readSize(header, at, what);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length) throw new UserError(`${what}: truncated tar archive (entry at byte ${at} needs ${size} bytes, ${bytes.length - dataStart} remain)`);
    const data = bytes.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(data); // GNU: the next entry's full name
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName; // pax: a per-entry path overrides the header's
      continue;
    }
    const name = longName ?? headerName(header);
    longName = null;
    if (type === '0' || type === '7') entries.push({ name, data });
  }
  if (at !== bytes.length) throw new UserError(`${what}: truncated tar archive (${bytes.length - at} stray bytes at the end)`);
  return entries; // a missing end-of-archive marker is tolerated, as GNU tar does
}

export function readTarFile(path: string): TarEntry[] {
  return parseTar(readFileSync(path), path);
}

/**
 * Writes the entries under destDir. They go to a staging directory first and
 * each top-level entry is then renamed into place, so a killed extraction
 * never leaves a half-filled dataset folder that looks complete.
 */
export function extractTar(entries: TarEntry[], destDir: string, what: string): string[] {
  const staging = join(destDir, `.extract.${process.pid}.${Date.now()}`);
  const tops = new Set<string>();
  try {
    for (const e of entries) {
      const rel = safeRelativePath(e.name, what);
      tops.add(rel.split('/')[0]);
      writeFileAtomic(join(staging, rel), e.data);
    }
    for (const top of tops) {
      rmSync(join(destDir, top), { recursive: true, force: true });
      mkdirSync(dirname(join(destDir, top)), { recursive: true });
      renameSync(join(staging, top), join(destDir, top));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return [...tops].sort();
}

/** The entry's path with './' removed; absolute paths and '..' are refused (a tar can write anywhere otherwise). */
export function safeRelativePath(name: string, what: string): string {
  const norm = posix.normalize(name.replace(/^(\.\/)+/, ''));
  if (name.startsWith('/') || norm === '..' || norm.startsWith('../') || norm === '.' || norm === '') {
    throw new UserError(`${what}: refusing unsafe tar entry path "${name}"`);
  }
  return norm;
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  // Only POSIX ustar ("ustar\0") has the prefix field; old GNU headers reuse those bytes.
  const posixUstar = cString(header.subarray(257, 263)) === 'ustar' && header[262] === 0;
  const prefix = posixUstar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function readSize(header: Uint8Array, at: number, what: string): number {
  const field = header.subarray(124, 136);
  if (field[0] & 0x80) {
    // GNU base-256 for sizes ≥ 8 GiB: big-endian after the marker bit.
    let size = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) size = size * 256 + field[i];
    return size;
  }
  return octal(field, `${what}: bad size field in tar header at byte ${at}`);
}

function checkChecksum(header: Uint8Array, at: number, what: string): void {
  const stored = octal(header.subarray(148, 156), `${what}: not a tar archive (bad checksum field at byte ${at})`);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b; // some old writers summed signed chars
  }
  if (stored !== unsigned && stored !== signed) throw new UserError(`${what}: not a tar archive or corrupt (header checksum mismatch at byte ${at})`);
}

function octal(field: Uint8Array, message: string): number {
  const s = cString(field).trim();
  if (!/^[0-7]+$/.test(s)) throw new UserError(message);
  return parseInt(s, 8);
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return text.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function paxPath(data: Uint8Array): string | null {
  // Records are "<length> <key>=<value>\n"; the length counts the whole record in bytes.
  let at = 0;
  let path: string | null = null;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(text.decode(data.subarray(at, space)), 10);
    if (!(length > 0)) break;
    const record = text.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}
