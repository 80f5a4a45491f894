// The downloader against a local HTTP server (no network): a fresh download
// with progress, resuming a cut download with a Range request, starting over
// when the server ignores Range, a .part that was already complete, checksum
// failures (nothing is kept), mirror fallback, a stalled connection; and the
// dataset-level "use, download or fail" decisions.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { md5Hex } from '../../../experiments/data/images/checksums.ts';
import { downloadFile, type DownloadProgress } from '../../../experiments/data/images/download.ts';
import { downloadCifar10Binary, ensureCifar10, ensureMnist } from '../../../experiments/data/images/official-downloads.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';
import { startServer, type LocalServer, type ServerBehaviour } from './local-server.ts';
import { patternBytes, removeTempDirs, tempDir } from './formats.ts';

afterAll(removeTempDirs);

const body = patternBytes(100_000, 42);
const md5 = md5Hex(body);
const servers: LocalServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
const serve = async (b: ServerBehaviour) => {
  const s = await startServer(b);
  servers.push(s);
  return s;
};
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

describe('downloadFile', () => {
  it('downloads to .part, reports progress, verifies and renames', async () => {
    const s = await serve({ files: { '/f.bin': body } });
    const dest = join(tempDir('dl'), 'sub', 'f.bin');
    const progress: DownloadProgress[] = [];
    await downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' }, fetch, onProgress: (p) => progress.push(p) });
    expect(bytesOf(dest)).toEqual(body);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(progress.at(-1)).toMatchObject({ file: 'f.bin', received: 100_000, total: 100_000 });
    expect(s.requests).toEqual([{ path: '/f.bin', range: undefined, status: 200 }]);
    // Present and verified: no second request.
    await downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' }, fetch });
    expect(s.requests).toHaveLength(1);
  });

  it('keeps the .part of a cut download and resumes it with a Range request', async () => {
    const s = await serve({ files: { '/f.bin': body }, cutFirstAfter: 30_000 });
    const dest = join(tempDir('dl'), 'f.bin');
    const opts = { urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' as const }, fetch };
    await expect(downloadFile(opts)).rejects.toThrow(UserError);
    const kept = statSync(`${dest}.part`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(30_000);
    const progress: DownloadProgress[] = [];
    await downloadFile({ ...opts, onProgress: (p) => progress.push(p) });
    expect(bytesOf(dest)).toEqual(body);
    expect(s.requests[1]).toEqual({ path: '/f.bin', range: `bytes=${kept}-`, status: 206 });
    expect(progress[0]).toMatchObject({ received: kept, total: 100_000 });
  });

  it('starts over when the server ignores Range', async () => {
    const s = await serve({ files: { '/f.bin': body }, ignoreRange: true });
    const dest = join(tempDir('dl'), 'f.bin');
    writeFileSync(`${dest}.part`, patternBytes(5000, 7)); // stale bytes that must not survive
    await downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' }, fetch });
    expect(bytesOf(dest)).toEqual(body);
    expect(s.requests).toEqual([{ path: '/f.bin', range: 'bytes=5000-', status: 200 }]);
  });

  it('accepts a .part that was already complete (416 to the Range request) once its checksum matches', async () => {
    const s = await serve({ files: { '/f.bin': body } });
    const dest = join(tempDir('dl'), 'f.bin');
    writeFileSync(`${dest}.part`, body);
    await downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' }, fetch });
    expect(bytesOf(dest)).toEqual(body);
    expect(s.requests.map((r) => r.status)).toEqual([416]);
  });

  it('fails on a checksum mismatch, keeping neither file nor .part', async () => {
    const s = await serve({ files: { '/f.bin': body } });
    const dest = join(tempDir('dl'), 'f.bin');
    const wrong = '0'.repeat(32);
    const err = await downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5: wrong, of: 'file' }, fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`download of f.bin failed: ${s.url}/f.bin: MD5 ${md5} of the file, expected ${wrong}`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('checks the uncompressed content when asked (MNIST publishes those sums)', async () => {
    const s = await serve({ files: { '/f.gz': gzipSync(body) } });
    const dest = join(tempDir('dl'), 'f.gz');
    await downloadFile({ urls: [`${s.url}/f.gz`], dest, checksum: { md5, of: 'gunzipped' }, fetch });
    expect(bytesOf(dest)).toEqual(new Uint8Array(gzipSync(body)));
  });

  it('falls back to the next mirror and lists every failure when all fail', async () => {
    const empty = await serve({ files: {} });
    const good = await serve({ files: { '/m/f.bin': body } });
    const dest = join(tempDir('dl'), 'f.bin');
    await downloadFile({ urls: [`${empty.url}/m/f.bin`, `${good.url}/m/f.bin`], dest, checksum: { md5, of: 'file' }, fetch });
    expect(bytesOf(dest)).toEqual(body);
    const dest2 = join(tempDir('dl'), 'f.bin');
    await expect(downloadFile({ urls: [`${empty.url}/a`, `${empty.url}/b`], dest: dest2, checksum: { md5, of: 'file' }, fetch })).rejects.toThrow(
      `download of f.bin failed: ${empty.url}/a: HTTP 404; ${empty.url}/b: HTTP 404`,
    );
  });

  it('gives up on a connection that stalls', async () => {
    const s = await serve({ files: { '/f.bin': body }, stallFirstAfter: 1000 });
    const dest = join(tempDir('dl'), 'f.bin');
    await expect(downloadFile({ urls: [`${s.url}/f.bin`], dest, checksum: { md5, of: 'file' }, fetch, idleTimeoutMs: 300 })).rejects.toThrow(
      /no data for 0\.3 s/,
    );
    expect(statSync(`${dest}.part`).size).toBe(1000);
  });
});

describe('use, download or fail', () => {
  it('fails with one line naming what was looked for when downloads are off', async () => {
    const data = tempDir('data');
    const err = await ensureMnist(data, { download: false, fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `MNIST not found: looked for ${data}/mnist/train-images-idx3-ubyte[.gz] and the other three IDX files, ${data}/train-images-idx3-ubyte[.gz] and the other three IDX files; point MODULARITY_DATA_DIR (or the data-directory flag) at a copy, or allow downloading on a machine that is online`,
    );
    await expect(ensureCifar10(data, 'auto', { download: false, fetch, howToGet: 'pass --data-dir' })).rejects.toThrow(
      /^CIFAR-10 not found: looked for .*; pass --data-dir$/,
    );
    await expect(ensureCifar10(data, 'jpeg', { download: true, fetch })).rejects.toThrow(/CIFAR-10 \(jpeg\) not found: .*this variant cannot be downloaded/);
  });

  it('downloads MNIST files only where missing, and refuses a CIFAR-10 tarball with the wrong checksum', async () => {
    const s = await serve({ files: { '/cifar-10-binary.tar.gz': gzipSync(body) } });
    const data = tempDir('data');
    await expect(downloadCifar10Binary(data, { fetch, cifar10Url: `${s.url}/cifar-10-binary.tar.gz` })).rejects.toThrow(
      /cifar-10-binary\.tar\.gz failed: .*MD5 [0-9a-f]{32} of the file, expected c32a1d4ab5d03f1284b67883e8d87530/,
    );
    expect(existsSync(join(data, 'cifar10', 'cifar-10-binary.tar.gz'))).toBe(false);
    // MNIST present: ensureMnist asks nothing of the network.
    mkdirSync(join(data, 'mnist'));
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
      writeFileSync(join(data, 'mnist', f), '');
    const noFetch = (() => {
      throw new Error('no network expected');
    }) as unknown as typeof fetch;
    expect(await ensureMnist(data, { download: true, fetch: noFetch })).toBe(join(data, 'mnist'));
  });
});
