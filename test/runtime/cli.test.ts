// The CLIs reject bad input with one line on stderr and exit 2, and write
// nothing: flags, folders that are files, read-only or full, a backend that is
// not installed, and broken dataset files (checked before any job starts);
// bad --shard values and job bundles that merge refuses.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { backendInstalled } from '../../experiments/runtime/backend.ts';
import { readTarFile } from '../../experiments/data/images/tar.ts';
import { encodeJobResult, jobFile, type JobResult } from '../../experiments/runtime/jobs.ts';
import { useSharedData } from '../helpers/shared-data.ts';

const REPO = join(import.meta.dirname, '../..');
const FAIL_WRITES = join(REPO, 'test/helpers/fail-writes.mjs');
const made: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('npx', ['tsx', script, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Exit 2, exactly one line on stderr matching `message`. */
function expectOneLine(r: ReturnType<typeof run>, message: RegExp): void {
  expect(r.stderr.trim()).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.status).toBe(2);
}

/** Every file below `dir` (folders alone do not count as written). */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath, d.name));
}

describe('experiments CLI: flags', () => {
  const results = temp('cli');
  it.each([
    [['--only', 'nope'], /unknown experiment "nope" \(known: add-mul, double-add/],
    [['--only', 'add-mul,add-mul'], /--only: "add-mul" is given twice in "add-mul,add-mul"/],
    [['--only', ','], /--only: "," names nothing/],
    [['--only='], /--only: "" names nothing/],
    [['--profile', 'huge'], /unknown profile "huge"/],
    [['--backend', 'tpu'], /unknown backend "tpu"/],
    [['--workers', 'two'], /--workers: "two" is not a non-negative integer/],
    [['--workers', '-1'], /--workers: "-1" is not a non-negative integer/],
    [['--workers=-1'], /--workers: "-1" is not a non-negative integer/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--shard', '0/2'], /^error: --shard: "0\/2" names shard 0, but there are shards 1 to 2$/],
    [['--shard', '3/2'], /^error: --shard: "3\/2" names shard 3, but there are shards 1 to 2$/],
    [['--shard', 'x'], /^error: --shard: "x" is not i\/n \(shard i of n, e\.g\. 1\/2\)$/],
    [['--shard', '1/0'], /^error: --shard: "1\/0" has no shards/],
    [['--shard='], /^error: --shard: "" is not i\/n/],
    [['--stage-jobs', 'maybe'], /^error: --stage-jobs: "maybe" is not on or off$/],
    [['shards'], /^error: unknown command "shards" \(expected export or merge/],
    [['--profile', 'ci', '--only', 'permuted-mnist', '--offline', '--data-dir', '/nonexistent-data'], /MNIST not found: looked for \/nonexistent-data\/mnist/],
  ])('%j → one-line error, exit 2, nothing written', (args, message) => {
    const r = run('experiments/cli/experiments.ts', [...args, '--results-dir', results, '--cache-dir', join(results, 'cache')]);
    expectOneLine(r, message);
    expect(readdirSync(results)).toEqual([]);
  });

  it.skipIf(backendInstalled('node'))('--backend node without @tensorflow/tfjs-node installed → one line saying so, before any worker starts', () => {
    const r = run('experiments/cli/experiments.ts', [
      '--profile',
      'ci',
      '--only',
      'add-mul',
      '--backend',
      'node',
      '--results-dir',
      results,
      '--cache-dir',
      join(results, 'cache'),
    ]);
    expectOneLine(
      r,
      /^error: --backend node: @tensorflow\/tfjs-node is not installed \(its install downloads libtensorflow; see README "Backends and GPUs"\)$/,
    );
    expect(readdirSync(results)).toEqual([]);
  });

  it('--help prints usage and exits 0', () => {
    const out = execFileSync('npx', ['tsx', 'experiments/cli/experiments.ts', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(out).toMatch(/--profile NAME/);
  });
});

describe('experiments CLI: results and cache folders, checked before any job starts', () => {
  const ci = ['--profile', 'ci', '--only', 'add-mul'];

  it('a results or cache folder that is a file, or lies below one', () => {
    const root = temp('cli-dirs');
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, string, RegExp][] = [
      [file, join(root, 'cache'), /--results-dir: ".*a-file" is a file, not a folder/],
      [join(file, 'sub'), join(root, 'cache'), /--results-dir: ".*a-file\/sub" cannot be created: .*a-file is a file/],
      [join(root, 'results'), file, /--cache-dir: ".*a-file" is a file, not a folder/],
    ];
    for (const [results, cache, message] of cases) {
      expectOneLine(run('experiments/cli/experiments.ts', [...ci, '--results-dir', results, '--cache-dir', cache]), message);
      expect(readdirSync(root)).toEqual(['a-file']);
      expect(readFileSync(file, 'utf8')).toBe('x');
    }
  });

  // A read-only folder is simulated (root may write anywhere): every write under it fails with EROFS/EACCES.
  it.each([
    ['results', 'EROFS', /--results-dir: ".*results" is not writable \(EROFS\)/],
    ['cache', 'EACCES', /--cache-dir: ".*cache" is not writable \(EACCES\)/],
  ])('a read-only %s folder (%s)', (which, code, message) => {
    const root = temp('cli-ro');
    mkdirSync(join(root, 'results'));
    mkdirSync(join(root, 'cache'));
    const r = run('experiments/cli/experiments.ts', [...ci, '--results-dir', join(root, 'results'), '--cache-dir', join(root, 'cache')], {
      NODE_OPTIONS: `--import ${FAIL_WRITES}`,
      FAIL_WRITES_UNDER: join(root, which),
      FAIL_WRITES_CODE: code,
    });
    expectOneLine(r, message);
    expect(r.stdout).not.toMatch(/running \d+ jobs/);
    expect(filesBelow(root)).toEqual([]);
  });

  it('a run estimated above the confirmation limit is not started without --yes away from a terminal, and with it runs', () => {
    const root = temp('cli-confirm');
    const dirs = ['--results-dir', join(root, 'results'), '--cache-dir', join(root, 'cache')];
    // No test should train for five minutes: a limit of 0 s stands in for a long run.
    const refused = run('experiments/cli/experiments.ts', [...ci, ...dirs], { MODULARITY_CONFIRM_SECONDS: '0' });
    expectOneLine(refused, /^error: not started: 2 jobs of add-mul, about \d+s on \d+ workers? \(pass --yes to start them\)$/);
    expect(refused.stdout).not.toMatch(/running \d+ jobs/);
    expect(filesBelow(join(root, 'results'))).toEqual([]);
    const started = run('experiments/cli/experiments.ts', [...ci, ...dirs, '--yes'], { MODULARITY_CONFIRM_SECONDS: '0' });
    expect(started.status, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/running 2 jobs/);
    expectOneLine(
      run('experiments/cli/experiments.ts', [...ci, ...dirs], { MODULARITY_CONFIRM_SECONDS: 'soon' }),
      /^error: MODULARITY_CONFIRM_SECONDS: "soon" is not a non-negative whole number of seconds$/,
    );
  });

  it('a (nearly) full disk, named with its free space', () => {
    const root = temp('cli-full');
    // No test can fill a disk: a threshold above any disk's free space stands in for it.
    const r = run('experiments/cli/experiments.ts', [...ci, '--results-dir', join(root, 'results'), '--cache-dir', join(root, 'cache')], {
      MODULARITY_MIN_FREE_MB: '1000000000',
    });
    expectOneLine(r, /--results-dir: ".*results" has only \d+ MiB free \(a run needs at least 1000000000 MiB; MODULARITY_MIN_FREE_MB sets the threshold\)/);
    expect(readdirSync(root)).toEqual([]);
  });

  // The disk fills up during the run: the write fails with a one-line error naming the file (the jobs train for seconds).
  it.each([
    ['cache', '1', /^error: job add-mul#\d: .*cache\/jobs\/add-mul\/ci\/\w+\/seed-\d\.json: no space left on the device \(ENOSPC on write\)$/],
    ['results', '0', /^error: .*results\/ci\/add-mul: no space left on the device \(ENOSPC on write\)$/],
  ])('a write to the %s folder failing with ENOSPC during the run (--workers %s)', (which, workers, message) => {
    const root = temp('cli-enospc');
    const r = run('experiments/cli/experiments.ts', [...ci, '--workers', workers, '--results-dir', join(root, 'results'), '--cache-dir', join(root, 'cache')], {
      NODE_OPTIONS: `--import ${FAIL_WRITES}`,
      FAIL_WRITES_UNDER: join(root, which),
      FAIL_WRITES_CODE: 'ENOSPC',
      FAIL_WRITES_OPS: 'write',
      FAIL_WRITES_AFTER_PREFLIGHT: '1',
    });
    expectOneLine(r, message);
    expect(filesBelow(join(root, which))).toEqual([]);
  });

  it('verify --rerun checks the folders and the backend before running', () => {
    const root = temp('cli-verify');
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expectOneLine(
      run('experiments/cli/verify.ts', [...ci, '--rerun', '--results-dir', file, '--cache-dir', join(root, 'cache')]),
      /--results-dir: ".*a-file" is a file, not a folder/,
    );
    expectOneLine(
      run('experiments/cli/verify.ts', [...ci, '--workers', '-1', '--rerun', '--results-dir', root]),
      /--workers: "-1" is not a non-negative integer/,
    );
    expect(readdirSync(root)).toEqual(['a-file']);
  });
});

describe('experiments CLI: broken dataset files, refused before any job starts', () => {
  const shared = useSharedData();
  const mnist = join(shared, 'mnist');
  const hasMnist = existsSync(join(mnist, 'train-images-idx3-ubyte.gz'));
  const cifarJpeg = join(shared, 'cifar10', 'cifar-10-jpeg-q75.tar.gz');
  const hasJpeg = existsSync(cifarJpeg);

  /** A data directory with the four real MNIST files (.gz), one of them replaced by `name` → `bytes`. */
  function mnistWith(replace: string, name: string, bytes: Uint8Array): string {
    const data = temp('cli-mnist');
    mkdirSync(join(data, 'mnist'));
    for (const f of readdirSync(mnist)) if (f !== replace) copyFileSync(join(mnist, f), join(data, 'mnist', f));
    writeFileSync(join(data, 'mnist', name), bytes);
    return data;
  }
  const plain = (f: string) => new Uint8Array(gunzipSync(readFileSync(join(mnist, `${f}.gz`))));

  it.skipIf(!hasMnist).each([
    [
      'a truncated images file',
      () => ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte', plain('t10k-images-idx3-ubyte').subarray(0, 5_000_000)] as const,
      /t10k-images-idx3-ubyte: truncated IDX data \(4999984 bytes, dimensions 10000×28×28 need 7840000\)/,
    ],
    [
      'a truncated gzipped images file',
      () =>
        ['train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz', readFileSync(join(mnist, 'train-images-idx3-ubyte.gz')).subarray(0, 4_000_000)] as const,
      /train-images-idx3-ubyte\.gz: corrupt or truncated gzip data \(unexpected end of file\)/,
    ],
    [
      'a label ≥ 10',
      () => {
        const labels = plain('train-labels-idx1-ubyte');
        labels[8 + 1000] = 12;
        return ['train-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte', labels] as const;
      },
      /train-labels-idx1-ubyte: label 12 at record 1000 is not a class \(expected 0-9\)/,
    ],
    [
      'a wrong magic',
      () => {
        const labels = plain('t10k-labels-idx1-ubyte');
        labels[0] = 0x1f; // e.g. the start of a gzip wrapper lost its second byte
        return ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte', labels] as const;
      },
      /t10k-labels-idx1-ubyte: not an IDX file \(magic starts 0x1f 0x00, expected 00 00\)/,
    ],
    [
      "a labels file with the images file's rank",
      () => {
        const labels = plain('t10k-labels-idx1-ubyte');
        labels[3] = 3;
        return ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte', labels] as const;
      },
      /t10k-labels-idx1-ubyte: IDX magic 00 00 08 03 declares 3 dimensions, expected 1/,
    ],
    [
      'fewer labels than images',
      () => {
        const labels = plain('t10k-labels-idx1-ubyte').slice(0, 8 + 9999);
        new DataView(labels.buffer).setUint32(4, 9999, false);
        return ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte', labels] as const;
      },
      /t10k-labels-idx1-ubyte: 9999 labels for the 10000 images of .*t10k-images-idx3-ubyte\.gz/,
    ],
  ])('MNIST with %s', (_what, make, message) => {
    const [replace, name, bytes] = make();
    const data = mnistWith(replace, name, bytes);
    const out = temp('cli-out');
    const r = run('experiments/cli/experiments.ts', [
      '--profile',
      'ci',
      '--only',
      'permuted-mnist',
      '--offline',
      '--data-dir',
      data,
      '--results-dir',
      join(out, 'results'),
      '--cache-dir',
      join(out, 'cache'),
    ]);
    expectOneLine(r, message);
    expect(r.stderr).toContain(join(data, 'mnist'));
    expect(r.stdout).not.toMatch(/running \d+ jobs/);
    expect(readdirSync(out)).toEqual([]);
  });

  it.skipIf(!hasJpeg)('CIFAR-10 JPEG copy with flipped bytes in one image → one line naming the file; nothing decoded into the cache', () => {
    // The image-folder layout, extracted: the first image of each class and split, one of them corrupted.
    const data = temp('cli-cifar');
    const copy = join(data, 'cifar10', 'cifar-10-jpeg-q75');
    for (const e of readTarFile(cifarJpeg)) {
      if (!/^(train|test)\/\w+\/0000\.jpg$/.test(e.name)) continue;
      const bytes = Uint8Array.from(e.data);
      if (e.name === 'train/cat/0000.jpg') {
        let sos = 0;
        while (!(bytes[sos] === 0xff && bytes[sos + 1] === 0xda)) sos++;
        const start = sos + 2 + ((bytes[sos + 2] << 8) | bytes[sos + 3]);
        const mid = Math.floor((start + bytes.length - 2) / 2);
        for (let k = 0; k < 16; k++) bytes[mid + k] ^= 0xff;
      }
      mkdirSync(join(copy, e.name, '..'), { recursive: true });
      writeFileSync(join(copy, e.name), bytes);
    }
    expect(filesBelow(copy)).toHaveLength(20);
    const out = temp('cli-out');
    const r = run('experiments/cli/experiments.ts', [
      '--profile',
      'ci',
      '--only',
      'cifar10',
      '--offline',
      '--data-dir',
      data,
      '--results-dir',
      join(out, 'results'),
      '--cache-dir',
      join(out, 'cache'),
    ]);
    expectOneLine(r, /cifar-10-jpeg-q75: train\/cat\/0000\.jpg: corrupt JPEG data \(/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('data CLI', () => {
  it.each([
    [['fetch'], /unknown command "fetch"/],
    [['download', 'imagenet'], /download takes one of mnist, cifar10, all, got "imagenet"/],
    [['status', '--verbose'], /Unknown option '--verbose'/],
  ])('%j → one-line error, exit 2', (args, message) => {
    const r = run('experiments/cli/data.ts', args);
    expectOneLine(r, message);
  });

  it('status names the data directory and what it holds', () => {
    const empty = temp('data');
    const out = execFileSync('npx', ['tsx', 'experiments/cli/data.ts', 'status', '--data-dir', empty], { cwd: REPO, encoding: 'utf8' });
    expect(out).toContain(`data directory: ${empty} (given on the command line)`);
    expect(out).toMatch(/MNIST: +missing/);
  });
});

describe('experiments CLI: export and merge refuse bad input in one line, writing nothing', () => {
  // A job bundle made by hand: one entry, add-mul seed 1 on the ci profile (no training needed).
  const backend = { name: 'cpu', package: '@tensorflow/tfjs-core', kernels: 'js', simd: false, skipped: [] } as JobResult['backend'];
  const output: JobResult['output'] = {
    seed: 1,
    pretrain: [{ seed: 1, variant: 'normal', evalSet: '+', accuracy: 0.9, steps: 10, finalLoss: 0.25 }],
    accuracy: [{ seed: 1, variant: 'normal', column: 'unmasked', evalSet: '+', accuracy: 0.9 }],
    weightsKept: [],
    overlap: [],
    confusion: [],
    histograms: [],
    masks: [{ variant: 'normal', mask: 'add', layer: 'layer1', shape: [2, 4], packed: new Uint8Array([0b10110001]), kept: 4 }],
    stages: [{ stage: 'pretrain', seconds: 1.5, steps: 10 }],
  };
  const key = 'ab'.repeat(32);
  const bundle = (job: string, seed = 1) =>
    JSON.stringify({ format: 'modularity-job-bundle', version: 1, entries: [{ experiment: 'add-mul', profile: 'ci', key, seed, part: null, job }] });
  const merge = (root: string, ...files: string[]) =>
    run('experiments/cli/experiments.ts', ['merge', ...files.map((f) => join(root, f)), '--cache-dir', join(root, 'cache')]);

  it.each([
    ['plain text', 'hello', /x\.json: not a job bundle \(not JSON: /],
    ['JSON of another shape', '{"entries":[]}', /x\.json: not a job bundle \(expected \{"format":"modularity-job-bundle"/],
    [
      'a bad digest',
      bundle(encodeJobResult({ backend, output }).replace('"accuracy":0.9', '"accuracy":0.8')),
      /x\.json: entry 1 \(add-mul#1\): its output does not match its digest \(nothing merged\)$/,
    ],
    [
      'a seed the profile does not run',
      bundle(encodeJobResult({ backend, output: { ...output, seed: 9 } }), 9),
      /x\.json: entry 1 \(add-mul#9\): not a job of add-mul on profile ci/,
    ],
  ])('merge: %s', (_what, text, message) => {
    const root = temp('cli-merge');
    writeFileSync(join(root, 'x.json'), text);
    expectOneLine(merge(root, 'x.json'), message);
    expect(readdirSync(root)).toEqual(['x.json']);
  });

  it('merge: a file that is not there; export without --to', () => {
    const root = temp('cli-merge');
    expectOneLine(merge(root, 'missing.json'), /missing\.json: cannot be read \(ENOENT\) \(nothing merged\)$/);
    expectOneLine(
      run('experiments/cli/experiments.ts', ['export', '--profile', 'ci', '--cache-dir', join(root, 'cache')]),
      /^error: export: --to FILE is required/,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it('merge: a valid bundle goes where the run looks for the job', () => {
    const root = temp('cli-merge');
    writeFileSync(join(root, 'ok.json'), bundle(encodeJobResult({ backend, output })));
    const r = merge(root, 'ok.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/merged 1 job results into /);
    expect(existsSync(jobFile(join(root, 'cache'), 'add-mul', 'ci', key, 1, null))).toBe(true);
  });
});
