// Every dataset file may come gzipped or plain (the official MNIST files are
// .gz, users often keep them unpacked); callers see plain bytes either way.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../../runtime/errors.ts';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes, gunzipped when they start with the gzip magic; `what` names the
 * file in errors. Always a plain Uint8Array view, never a Buffer, so every
 * loader hands out one array type (Buffer compares unequal in tests and its
 * slice() shares memory where Uint8Array's copies).
 */
export function gunzipIfGzipped(bytes: Uint8Array, what: string): Uint8Array {
  if (!isGzip(bytes)) return plain(bytes);
  try {
    return plain(gunzipSync(bytes));
  } catch (err) {
    // zlib's message ("unexpected end of file") does not say which file.
    throw new UserError(`${what}: corrupt or truncated gzip data (${(err as Error).message})`);
  }
}

export function readMaybeGzipped(path: string): Uint8Array {
  return gunzipIfGzipped(readFileSync(path), path);
}

function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
