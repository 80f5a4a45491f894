// A resumable, checksummed download of one file from a list of mirrors.
// The bytes go to `<dest>.part`; a later attempt (another run, or the next
// mirror) resumes it with an HTTP Range request and starts over when the
// server ignores the range. Only a file whose checksum matches is renamed to
// `dest`, so `dest` existing means it is complete and verified.
import { existsSync, readFileSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { md5Hex } from './checksums.ts';
import { gunzipIfGzipped } from './gzip.ts';

export interface DownloadProgress {
  file: string;
  url: string;
  /** Bytes in the .part file so far (a resumed download starts above 0). */
  received: number;
  /** Size of the whole file when the server says it, else null. */
  total: number | null;
}

export interface Checksum {
  md5: string;
  /** 'gunzipped': of the uncompressed content (MNIST's published sums), else of the file as downloaded. */
  of: 'file' | 'gunzipped';
}

export interface DownloadOptions {
  /** Mirrors, tried in order until one yields a file with the right checksum. */
  urls: string[];
  dest: string;
  checksum: Checksum;
  fetch: typeof globalThis.fetch;
  onProgress?: (p: DownloadProgress) => void;
  /** Abort a connection that delivers nothing for this long (default 60 s). */
  idleTimeoutMs?: number;
}

/** Downloads unless `dest` exists already; returns dest. Throws a one-line UserError when every mirror fails. */
export async function downloadFile(opts: DownloadOptions): Promise<string> {
  if (existsSync(opts.dest)) return opts.dest;
  mkdirSync(dirname(opts.dest), { recursive: true });
  const part = `${opts.dest}.part`;
  const failures: string[] = [];
  for (const url of opts.urls) {
    try {
      await fetchToPart(url, part, opts);
    } catch (err) {
      // The .part stays: the next mirror or the next run resumes it.
      failures.push(`${url}: ${(err as Error).message}`);
      continue;
    }
    const problem = checksumProblem(part, opts.checksum);
    if (problem === null) {
      renameSync(part, opts.dest);
      return opts.dest;
    }
    // Resuming a corrupt file would only extend it: start over from the next mirror.
    rmSync(part, { force: true });
    failures.push(`${url}: ${problem}`);
  }
  throw new UserError(`download of ${basename(opts.dest)} failed: ${failures.join('; ')}`);
}

async function fetchToPart(url: string, part: string, opts: DownloadOptions): Promise<void> {
  let have = existsSync(part) ? statSync(part).size : 0;
  const controller = new AbortController();
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => controller.abort(), idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idleMs);
  };
  try {
    let res = await opts.fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: controller.signal });
    if (res.status === 416 && have > 0) {
      // Range past the end: the .part is probably complete (a run killed before
      // the rename). The checksum decides; start over only if it fails.
      await res.body?.cancel();
      return;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    let total: number | null = null;
    if (res.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== have) {
        // A range we did not ask for: fetch the whole file instead of guessing.
        await res.body?.cancel();
        have = 0;
        res = await opts.fetch(url, { signal: controller.signal });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      } else if (range[3] !== '*') {
        total = Number(range[3]);
      }
    }
    if (res.status === 200) {
      have = 0; // the server ignored Range (or none was sent): the body is the whole file
      const length = res.headers.get('content-length');
      total = length === null ? null : Number(length);
    }
    if (!res.body) throw new Error('empty response');
    const file = await open(part, have > 0 ? 'a' : 'w');
    let received = have;
    try {
      const reader = res.body.getReader();
      opts.onProgress?.({ file: basename(opts.dest), url, received, total });
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        touch();
        await file.write(value);
        received += value.length;
        opts.onProgress?.({ file: basename(opts.dest), url, received, total });
      }
    } finally {
      await file.close();
    }
    if (total !== null && received !== total) throw new Error(`connection closed after ${received} of ${total} bytes`);
  } catch (err) {
    if (controller.signal.aborted) throw new Error(`no data for ${idleMs / 1000} s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function checksumProblem(path: string, checksum: Checksum): string | null {
  let bytes: Uint8Array = readFileSync(path);
  if (checksum.of === 'gunzipped') {
    try {
      bytes = gunzipIfGzipped(bytes, basename(path));
    } catch (err) {
      return (err as Error).message;
    }
  }
  const md5 = md5Hex(bytes);
  return md5 === checksum.md5 ? null : `MD5 ${md5} of the ${checksum.of === 'gunzipped' ? 'uncompressed content' : 'file'}, expected ${checksum.md5}`;
}
