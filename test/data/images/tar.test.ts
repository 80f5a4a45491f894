// The tar reader against archives from our own ustar writer and from the
// system's GNU tar in its three formats (gnu long names, ustar prefix, pax
// paths), gzipped or not; malformed archives; safe extraction (crafted
// archives against a user's data dir: tar-safety.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTar, parseTar, parseTarRecords, readTarFile } from '../../../experiments/data/images/tar.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';
import { encodeTar, patternBytes, removeTempDirs, tempDir } from './formats.ts';

afterAll(removeTempDirs);

const longDir = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}`;
const files = [
  { name: 'train/cat/0001.jpg', data: patternBytes(1000, 1) },
  { name: 'empty.txt', data: new Uint8Array(0) },
  { name: 'exact512.bin', data: patternBytes(512, 2) },
  { name: `${longDir}/file.bin`, data: patternBytes(700, 3) }, // > 100 bytes, splits at '/'
  { name: `${'n'.repeat(130)}.bin`, data: patternBytes(5, 4) }, // > 100 bytes, no '/': GNU 'L'
];
const sortByName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));

describe('tar reader', () => {
  it('reads our ustar archive (prefix field and GNU long names), plain and gzipped', () => {
    const tar = encodeTar(files);
    for (const bytes of [tar, gzipSync(tar)]) {
      const entries = parseTar(bytes, 'a.tar');
      expect(entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
      entries.forEach((e, i) => expect(e.data).toEqual(files[i].data));
    }
  });

  it('reads archives made by the system tar in gnu, ustar and pax formats', () => {
    const src = tempDir('tar-src');
    for (const f of files) {
      mkdirSync(join(src, f.name, '..'), { recursive: true });
      writeFileSync(join(src, f.name), f.data);
    }
    const names = files.map((f) => f.name).filter((n) => n.length <= 100 || n.includes('/'));
    for (const format of ['gnu', 'ustar', 'pax']) {
      const out = join(tempDir('tar-out'), `a-${format}.tar.gz`);
      const list = format === 'ustar' ? names : files.map((f) => f.name); // ustar cannot hold a 134-byte name without '/'
      const r = spawnSync('tar', ['-czf', out, `--format=${format}`, '-C', src, ...list]);
      expect(r.status, r.stderr.toString()).toBe(0);
      const entries = readTarFile(out);
      expect(sortByName(entries).map((e) => e.name)).toEqual(sortByName(files.filter((f) => list.includes(f.name))).map((f) => f.name));
      for (const e of entries) expect(e.data).toEqual(files.find((f) => f.name === e.name)!.data);
    }
  });

  it('refuses truncated or corrupt archives with one-line UserErrors', () => {
    const tar = encodeTar(files.slice(0, 1));
    expect(() => parseTar(tar.subarray(0, 700), 'a.tar')).toThrow(/a\.tar: truncated tar archive \(entry at byte 0 needs 1000 bytes, 188 remain\)/);
    const corrupt = tar.slice();
    corrupt[10] ^= 1;
    expect(() => parseTar(corrupt, 'a.tar')).toThrow(/header checksum mismatch at byte 0/);
    expect(() => parseTar(patternBytes(1024, 9), 'a.tar')).toThrow(UserError);
    expect(() => parseTar(tar.subarray(0, 300), 'a.tar')).toThrow(/300 stray bytes/);
    expect(() => parseTar(gzipSync(tar).subarray(0, 30), 'a.tar.gz')).toThrow(/corrupt or truncated gzip/);
  });

  it('extracts into place and refuses paths that leave the target folder', () => {
    const dest = tempDir('tar-x');
    const tops = extractTar(parseTarRecords(encodeTar(files.slice(0, 3)), 'a.tar'), dest, 'a.tar');
    expect(tops).toEqual(['empty.txt', 'exact512.bin', 'train']);
    expect(new Uint8Array(readFileSync(join(dest, 'train/cat/0001.jpg')))).toEqual(files[0].data);
    const evil = encodeTar([{ name: '../escape.txt', data: Uint8Array.of(1) }]);
    expect(() => extractTar(parseTarRecords(evil, 'evil.tar'), join(dest, 'sub'), 'evil.tar')).toThrow(
      /^evil\.tar: refusing tar entry "\.\.\/escape\.txt": a '\.\.' segment/,
    );
    expect(existsSync(join(dest, 'escape.txt'))).toBe(false);
    const absolute = encodeTar([{ name: '/tmp/x', data: Uint8Array.of(1) }]);
    expect(() => extractTar(parseTarRecords(absolute, 'abs.tar'), dest, 'abs.tar')).toThrow(/^abs\.tar: refusing tar entry "\/tmp\/x": an absolute path$/);
  });
});
