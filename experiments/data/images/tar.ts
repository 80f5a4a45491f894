// A minimal reader of tar archives (ustar, with GNU long names and pax paths),
// plain or gzipped, held in memory: the archives read here are the CIFAR-10
// JPEG copy (~93 MB unpacked) and the binary tarball (~185 MB), which fit
// comfortably and need no streaming. parseTar returns only regular files
// (directories, links and devices are skipped: nothing is written for them);
// extractTarFile, which writes into a data directory the user owns, refuses
// anything it cannot place safely instead of skipping it.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { md5Hex } from './checksums.ts';
import { gunzipIfGzipped } from './gzip.ts';

export interface TarEntry {
  /** The path inside the archive, '/'-separated (a GNU long name or pax path when the archive has one). */
  name: string;
  /** A view into the archive's bytes (no copy). */
  data: Uint8Array;
}

export interface TarRecord extends TarEntry {
  /** The header's type flag: '0' file, '1' hard link, '2' symlink, '5' folder, ... */
  type: string;
}

const BLOCK = 512;
const text = new TextDecoder();

const FILE_TYPES = new Set(['0', '7']); // '7' (contiguous file) is a regular file to every reader

/** The regular files of a tar archive (plain or gzipped); `what` names the source in errors. */
export function parseTar(input: Uint8Array, what: string): TarEntry[] {
  return parseTarRecords(input, what).filter((r) => FILE_TYPES.has(r.type));
}

/** Every entry of a tar archive, whatever its type; GNU long-name and pax headers are folded into the entry they name. */
export function parseTarRecords(input: Uint8Array, what: string): TarRecord[] {
  const bytes = gunzipIfGzipped(input, what);
  const entries: TarRecord[] = [];
  let longName: string | null = null;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    checkChecksum(header, at, what);
    const size = readSize(header, at, what);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length)
      throw new UserError(`${what}: truncated tar archive (entry at byte ${at} needs ${size} bytes, ${bytes.length - dataStart} remain)`);
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
    if (type === 'K' || type === 'g') continue; // GNU long link target, pax global header: nothing we use
    const name = longName ?? headerName(header);
    longName = null;
    entries.push({ name, data, type });
  }
  if (at !== bytes.length) throw new UserError(`${what}: truncated tar archive (${bytes.length - at} stray bytes at the end)`);
  return entries; // a missing end-of-archive marker is tolerated, as GNU tar does
}

export function readTarFile(path: string): TarEntry[] {
  return parseTar(readFileSync(path), path);
}

/**
 * Unpacks the archive at `archivePath` into `destDir` if its MD5 is `md5`;
 * returns the top-level names it placed there. The data directory is the
 * user's, so nothing in it is ever replaced or deleted:
 *  - the checksum is checked first, also for an archive that was already
 *    there (only the official tarball is known to be harmless);
 *  - every entry is checked before anything is written (safeRelativePath;
 *    links, devices and file/folder collisions are refused, not skipped);
 *  - a top-level name that already exists in destDir is refused, never
 *    overwritten or removed, whoever made it;
 *  - files go to a fresh staging folder (mkdtemp) inside destDir, and each
 *    top-level entry is renamed into place, so a killed run never leaves a
 *    half-filled folder that looks complete; the staging folder, which holds
 *    only what we wrote, is removed on success and on failure.
 * Every refusal is one UserError line naming the archive and the entry.
 */
export function extractTarFile(archivePath: string, destDir: string, md5: string): string[] {
  const bytes = readFileSync(archivePath);
  const actual = md5Hex(bytes);
  if (actual !== md5) throw new UserError(`${archivePath}: MD5 ${actual}, expected ${md5}; nothing was extracted (replace or remove the file)`);
  return extractTar(parseTarRecords(bytes, archivePath), destDir, archivePath);
}

/** The checks and moves of extractTarFile, for records already parsed (no checksum: the caller has one). */
export function extractTar(records: TarRecord[], destDir: string, what: string): string[] {
  const refuse = (name: string, why: string) => new UserError(`${what}: refusing tar entry ${JSON.stringify(name)}: ${why}`);
  // 1. Check everything first. `kinds` is every path the archive makes, so a path
  // that is a file in one entry and a folder in another (or a file twice) is
  // caught here rather than by a write that would follow the first one.
  const kinds = new Map<string, 'file' | 'folder'>();
  const files: { rel: string; data: Uint8Array }[] = [];
  const tops = new Map<string, string>(); // top-level name -> the first entry that makes it, for messages
  for (const r of records) {
    const kind = FILE_TYPES.has(r.type) ? 'file' : r.type === '5' ? 'folder' : null;
    // Links are refused outright, not skipped: a later entry could write through one, and the official archive has none.
    if (!kind) throw refuse(r.name, `${ENTRY_KINDS[r.type] ?? `an entry of type '${r.type}'`} (only regular files and folders are extracted)`);
    const rel = safeRelativePath(r.name, what);
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/');
      const want = i < parts.length ? 'folder' : kind;
      const had = kinds.get(path);
      if (had === 'file' || (had && had !== want)) {
        throw refuse(r.name, had === want ? `a second entry for "${path}"` : `"${path}" would be both a file and a folder (collides with an earlier entry)`);
      }
      kinds.set(path, want);
    }
    if (kind === 'file') files.push({ rel, data: r.data });
    if (!tops.has(parts[0])) tops.set(parts[0], r.name);
  }
  const refuseExisting = () => {
    for (const [top, entry] of tops) {
      if (exists(join(destDir, top))) throw refuse(entry, `${join(destDir, top)} already exists and is not replaced (move it away to extract)`);
    }
  };
  refuseExisting();
  // 2. Write into a fresh staging folder: mkdtemp never reuses a path, 'wx' never
  // follows or overwrites anything, and only regular files and folders are made.
  mkdirSync(destDir, { recursive: true });
  const staging = mkdtempSync(join(destDir, '.extract-'));
  try {
    for (const [path, kind] of kinds) if (kind === 'folder') mkdirSync(join(staging, path), { recursive: true });
    for (const f of files) {
      mkdirSync(dirname(join(staging, f.rel)), { recursive: true });
      writeFileSync(join(staging, f.rel), f.data, { flag: 'wx' });
    }
    // 3. Move into place. Checked again just before: writing takes a while, and
    // rename(2) would silently replace a file (or an empty folder) made meanwhile.
    refuseExisting();
    for (const top of tops.keys()) renameSync(join(staging, top), join(destDir, top));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return [...tops.keys()].sort();
}

const ENTRY_KINDS: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
};

/** lstat, so that a dangling symlink counts as existing too. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The entry's path, normalised: empty and '.' segments dropped (so './a',
 * './/a' and 'a//b/' become 'a' and 'a/b'). Refused, as one line naming the
 * entry: absolute paths, any '..' segment (even one that would stay inside),
 * backslashes and NUL (another OS's separator, a C string's end), and paths
 * that name nothing. Names are printed JSON-quoted so the line stays one line.
 */
export function safeRelativePath(name: string, what: string): string {
  const refuse = (why: string) => new UserError(`${what}: refusing tar entry ${JSON.stringify(name)}: ${why}`);
  if (name.includes('\\') || name.includes('\0')) throw refuse('a backslash or NUL in the path');
  if (name.startsWith('/')) throw refuse('an absolute path');
  const parts = name.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw refuse("a '..' segment (it could leave the target folder)");
  if (parts.length === 0) throw refuse('the path names nothing once normalised');
  return parts.join('/');
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
