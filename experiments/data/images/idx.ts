// The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): two zero
// bytes, a dtype byte, the number of dimensions, then each dimension as a
// big-endian uint32, then the data in row-major order. Only unsigned bytes
// (dtype 0x08) occur in MNIST, and only those are accepted here.
import { readFileSync } from 'node:fs';
import { UserError } from '../../runtime/errors.ts';
import { gunzipIfGzipped } from './gzip.ts';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses IDX bytes (plain or gzipped); `what` names the source in errors; `rank`, when given, is the number of dimensions expected. */
export function parseIdx(input: Uint8Array, what: string, rank?: number): IdxArray {
  const bytes = gunzipIfGzipped(input, what);
  if (bytes.length < 4) throw new UserError(`${what}: not an IDX file (${bytes.length} bytes, shorter than the 4-byte magic)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${what}: not an IDX file (magic starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 00 00)`);
  }
  if (bytes[2] !== UBYTE) throw new UserError(`${what}: IDX dtype ${hex(bytes[2])} is not supported (only 0x08, unsigned byte)`);
  const declared = bytes[3];
  if (declared === 0) throw new UserError(`${what}: IDX file declares 0 dimensions`);
  if (rank !== undefined && declared !== rank) {
    throw new UserError(`${what}: IDX magic ${[0, 1, 2, 3].map((i) => hex(bytes[i]).slice(2)).join(' ')} declares ${declared} dimensions, expected ${rank}`);
  }
  const headerLength = 4 + 4 * declared;
  if (bytes.length < headerLength) throw new UserError(`${what}: truncated IDX header (${bytes.length} bytes, ${declared} dimensions need ${headerLength})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < declared; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual < expected) throw new UserError(`${what}: truncated IDX data (${actual} bytes, dimensions ${dims.join('×')} need ${expected})`);
  if (actual > expected) throw new UserError(`${what}: IDX size mismatch (${actual - expected} bytes after the ${dims.join('×')} data)`);
  return { dims, data: bytes.subarray(headerLength) };
}

export function readIdxFile(path: string): IdxArray {
  return parseIdx(readFileSync(path), path);
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
