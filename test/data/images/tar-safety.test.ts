// Extraction into a user's data directory against crafted archives, through
// the real path (ensureCifar10 finding a cifar-10-binary.tar.gz already in
// the data dir, or downloading one): each bad archive is refused with one
// UserError line naming the entry, and the whole temp tree (the user's files
// inside and outside the destination) is byte-identical afterwards, with no
// staging folder left. Then good archives, sitting there or downloaded.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_TEST_BATCH, CIFAR10_TRAIN_BATCHES } from '../../../experiments/data/images/cifar-binary.ts';
import { CIFAR10_BINARY_TARBALL_MD5, md5Hex } from '../../../experiments/data/images/checksums.ts';
import { findCifar10 } from '../../../experiments/data/images/cifar10.ts';
import { downloadCifar10Binary, ensureCifar10 } from '../../../experiments/data/images/official-downloads.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';
import { encodeCifarRecords, encodeTar, patternBytes, removeTempDirs, tempDir, type TarSpec } from './formats.ts';
import { startServer } from './local-server.ts';

afterAll(removeTempDirs);

const BATCHES = 'cifar-10-batches-bin';
const batchFiles = [...CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH].map((f, i) => ({
  name: `${BATCHES}/${f}`,
  data: encodeCifarRecords(Uint8Array.of(i, (i + 3) % 10), patternBytes(2 * 3072, 100 + i)),
}));
const noFetch = (() => {
  throw new Error('no network expected');
}) as unknown as typeof fetch;

/** A temp root with the user's data dir (files in it and inside the destination cifar10/) and a folder outside it. */
function userTree(opts: { ownBatchesFolder?: boolean } = {}) {
  const root = tempDir('tar-safety');
  const data = join(root, 'data');
  const cifar = join(data, 'cifar10');
  const outside = join(root, 'outside');
  const put = (path: string, seed: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, patternBytes(300, seed));
  };
  put(join(data, 'readme.txt'), 1);
  put(join(cifar, 'notes.txt'), 2);
  put(join(cifar, 'x'), 3); // what `.//x` normalises to
  put(join(cifar, 'mine', 'deep.bin'), 4);
  put(join(outside, 'keep.txt'), 5);
  if (opts.ownBatchesFolder) put(join(cifar, BATCHES, 'partial.bin'), 6); // not all six batches: not "found"
  return { root, data, cifar, outside, tarball: join(cifar, 'cifar-10-binary.tar.gz') };
}

/** Every path under root with its bytes' MD5 (or "folder", or the link target): what "intact" means. */
function snapshot(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${d.name}` : d.name;
    const st = lstatSync(join(root, path));
    if (st.isSymbolicLink()) out[path] = `-> ${readlinkSync(join(root, path))}`;
    else if (st.isDirectory()) Object.assign(out, { [path]: 'folder' }, snapshot(root, path));
    else out[path] = md5Hex(readFileSync(join(root, path)));
  }
  return out;
}

async function refusal(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('extracting into the data dir refuses crafted archives and harms nothing', () => {
  const one = Uint8Array.of(1);
  const dotdot = /^a '\.\.' segment/;
  const absolute = /^an absolute path$/;
  // Each bad archive, the entry its refusal must name and why. `outside` is a
  // folder beside the data dir that absolute names point into.
  const crafted = (outside: string): { label: string; entries: TarSpec[]; names: string; why: RegExp }[] => [
    { label: '../x', entries: [batchFiles[0], { name: '../x', data: one }], names: '../x', why: dotdot },
    { label: 'absolute', entries: [batchFiles[0], { name: join(outside, 'abs.txt'), data: one }], names: join(outside, 'abs.txt'), why: absolute },
    // What used to delete the whole cifar10/ folder: now it normalises to the user's x, which is not replaced.
    { label: './/x', entries: [{ name: './/x', data: one }], names: './/x', why: /already exists and is not replaced/ },
    { label: './/', entries: [batchFiles[0], { name: './/', data: one }], names: './/', why: /names nothing/ },
    { label: './../x', entries: [batchFiles[0], { name: './../x', data: one }], names: './../x', why: dotdot },
    { label: 'a .. that stays inside', entries: [{ name: `${BATCHES}/../notes.txt`, data: one }], names: `${BATCHES}/../notes.txt`, why: dotdot },
    { label: 'backslashes', entries: [{ name: `${BATCHES}\\..\\..\\x`, data: one }], names: `${BATCHES}\\..\\..\\x`, why: /backslash/ },
    { label: 'NUL in a pax path', entries: [{ name: `${BATCHES}/a\0b`, data: one, longName: 'pax' }], names: `${BATCHES}/a\0b`, why: /NUL/ },
    // Long names are read (the JPEG copy needs them) and checked like any other: the ustar header's innocent name is not the one used.
    {
      label: 'pax long name',
      entries: [batchFiles[0], { name: `../../outside/${'p'.repeat(120)}`, data: one, longName: 'pax', placeholder: `${BATCHES}/innocent.bin` }],
      names: `../../outside/${'p'.repeat(120)}`,
      why: dotdot,
    },
    {
      label: 'GNU long name',
      entries: [batchFiles[0], { name: join(outside, 'g'.repeat(120)), data: one, longName: 'gnu', placeholder: `${BATCHES}/innocent.bin` }],
      names: join(outside, 'g'.repeat(120)),
      why: absolute,
    },
    {
      label: 'symlink then a file through it',
      entries: [
        { name: `${BATCHES}/link`, type: '2', linkName: outside },
        { name: `${BATCHES}/link/evil.txt`, data: one },
      ],
      names: `${BATCHES}/link`,
      why: /^a symbolic link/,
    },
    {
      label: 'hardlink (then a file written through it)',
      entries: [
        { name: `${BATCHES}/hl`, type: '1', linkName: '../notes.txt' },
        { name: `${BATCHES}/hl`, data: one },
      ],
      names: `${BATCHES}/hl`,
      why: /^a hard link/,
    },
    {
      label: 'file then folder of the same name',
      entries: [
        { name: `${BATCHES}/a`, data: one },
        { name: `${BATCHES}/a/b`, data: Uint8Array.of(2) },
      ],
      names: `${BATCHES}/a/b`,
      why: /both a file and a folder/,
    },
    {
      label: 'folder then file of the same name',
      entries: [
        { name: `${BATCHES}/a/b`, data: one },
        { name: `${BATCHES}/a`, data: Uint8Array.of(2) },
      ],
      names: `${BATCHES}/a`,
      why: /both a file and a folder/,
    },
    { label: 'the same file twice', entries: [batchFiles[0], batchFiles[0]], names: batchFiles[0].name, why: /^a second entry/ },
  ];

  it.each(crafted('').map((c) => c.label))('%s', async (label) => {
    const t = userTree();
    const c = crafted(t.outside).find((x) => x.label === label)!;
    const archive = gzipSync(encodeTar(c.entries));
    writeFileSync(t.tarball, archive);
    const before = snapshot(t.root);
    const message = await refusal(() => ensureCifar10(t.data, 'official', { download: true, fetch: noFetch, cifar10Md5: md5Hex(archive) }));
    const prefix = `${t.tarball}: refusing tar entry ${JSON.stringify(c.names)}: `;
    expect(message.startsWith(prefix), message).toBe(true);
    expect(message.slice(prefix.length)).toMatch(c.why);
    expect(snapshot(t.root)).toEqual(before);
  });

  it('refuses, without touching it, a cifar-10-batches-bin folder the user already has', async () => {
    const t = userTree({ ownBatchesFolder: true });
    const archive = gzipSync(encodeTar(batchFiles));
    writeFileSync(t.tarball, archive);
    const before = snapshot(t.root);
    const message = await refusal(() => ensureCifar10(t.data, 'auto', { download: true, fetch: noFetch, cifar10Md5: md5Hex(archive) }));
    expect(message).toBe(
      `${t.tarball}: refusing tar entry "${batchFiles[0].name}": ${join(t.cifar, BATCHES)} already exists and is not replaced (move it away to extract)`,
    );
    expect(snapshot(t.root)).toEqual(before);
  });

  it('checks the MD5 of a tarball that was already there before extracting anything (official value by default)', async () => {
    const t = userTree();
    const archive = gzipSync(encodeTar(batchFiles));
    writeFileSync(t.tarball, archive);
    const before = snapshot(t.root);
    const message = await refusal(() => ensureCifar10(t.data, 'official', { download: true, fetch: noFetch }));
    expect(message).toBe(`${t.tarball}: MD5 ${md5Hex(archive)}, expected ${CIFAR10_BINARY_TARBALL_MD5}; nothing was extracted (replace or remove the file)`);
    const wrong = 'f'.repeat(32);
    expect(await refusal(() => downloadCifar10Binary(t.data, { fetch: noFetch, cifar10Md5: wrong }))).toContain(`expected ${wrong}`);
    expect(snapshot(t.root)).toEqual(before);
  });
});

describe('extracting a good archive', () => {
  // './' prefixes, a folder entry, a GNU long name and a pax path: all normalised and placed.
  const gnuLong = { name: `${BATCHES}/${'l'.repeat(120)}.txt`, data: patternBytes(40, 7), longName: 'gnu' as const };
  const paxLong = { name: `${BATCHES}/${'q'.repeat(120)}.txt`, data: patternBytes(50, 8), longName: 'pax' as const };
  const entries: TarSpec[] = [
    { name: `./${BATCHES}/`, type: '5' },
    ...batchFiles.map((f, i) => (i % 2 ? f : { ...f, name: `.//${f.name}` })),
    gnuLong,
    paxLong,
  ];
  const expectPlaced = (t: ReturnType<typeof userTree>, before: Record<string, string>, tarballKept: boolean) => {
    const expected: Record<string, string> = { ...before, [`data/cifar10/${BATCHES}`]: 'folder' };
    for (const f of [...batchFiles, gnuLong, paxLong]) expected[`data/cifar10/${f.name}`] = md5Hex(f.data);
    if (!tarballKept) delete expected['data/cifar10/cifar-10-binary.tar.gz'];
    expect(snapshot(t.root)).toEqual(expected);
    expect(findCifar10(t.data, 'official')).toEqual({ choice: 'official', path: join(t.cifar, BATCHES) });
  };

  it("one already in the data dir: extracted beside the user's files, the tarball left where it was", async () => {
    const t = userTree();
    const archive = gzipSync(encodeTar(entries));
    writeFileSync(t.tarball, archive);
    const before = snapshot(t.root);
    await ensureCifar10(t.data, 'official', { download: true, fetch: noFetch, cifar10Md5: md5Hex(archive) });
    expectPlaced(t, before, true);
  });

  it('a downloaded one: extracted, then the tarball we fetched removed', async () => {
    const t = userTree();
    const archive = gzipSync(encodeTar(entries));
    const s = await startServer({ files: { '/c.tar.gz': archive } });
    try {
      const before = snapshot(t.root);
      const dir = await downloadCifar10Binary(t.data, { fetch, cifar10Url: `${s.url}/c.tar.gz`, cifar10Md5: md5Hex(archive) });
      expect(dir).toBe(join(t.cifar, BATCHES));
      expectPlaced(t, { ...before, 'data/cifar10/cifar-10-binary.tar.gz': 'gone' }, false);
    } finally {
      await s.close();
    }
  });
});
