// End to end on the ci profile: every experiment runs (in this process), writes
// a schema-valid artifact with its masks file and pictures, a second run reuses
// it (fresh), and verify accepts it.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '../../experiments/artifacts/store.ts';
import { unpackBits } from '../../experiments/masking/binary-mask.ts';
import { runExperiments, type RunOptions, type RunSummary } from '../../experiments/runtime/run-experiments.ts';
import { verifyWithFreshness } from '../helpers/verify.ts';
import { expectCurvesEndAtTables } from '../helpers/curves.ts';
import { IMAGE_CACHE_ENV } from '../../experiments/data/images/cifar10-data.ts';
import { resolveDataDir } from '../../experiments/data/images/data-dir.ts';
import { datasetsFor, ensureDatasets } from '../../experiments/runtime/datasets.ts';
import { EXPERIMENTS } from '../../experiments/tasks/registry.ts';
import { hasDataFor, useSharedData } from '../helpers/shared-data.ts';

const REPO = join(import.meta.dirname, '../..');
// Experiments on real data run when the data is at hand (CI: the shared copy), and are skipped otherwise.
const dataDir = useSharedData();
const RUNNABLE = EXPERIMENTS.filter((e) => hasDataFor(e.id, dataDir));
const WITHOUT_DATA = EXPERIMENTS.filter((e) => !RUNNABLE.includes(e)).map((e) => e.id);
const work = mkdtempSync(join(tmpdir(), 'e2e-'));
// Decoded CIFAR-10 JPEGs persist between local runs (decoding takes about half a minute).
process.env[IMAGE_CACHE_ENV] ??= join(REPO, '.cache', 'images');
let output = '';
const options = (): RunOptions => {
  const start = performance.now();
  return {
    profile: 'ci',
    only: RUNNABLE.map((e) => e.id),
    force: false,
    backend: 'wasm',
    workers: 0,
    resultsDir: join(work, 'results'),
    cacheDir: join(work, 'cache'),
    dataDir,
    imageCacheDir: process.env[IMAGE_CACHE_ENV]!,
    repoRoot: REPO,
    experimentsRoot: join(REPO, 'experiments'),
    write: (t) => {
      output += t;
    },
    tty: false,
    now: () => (performance.now() - start) / 1000,
    // As the CLI does: make sure the datasets are there (and the JPEG copy decoded) before the jobs.
    prepare: (ids) =>
      ensureDatasets(datasetsFor(ids), {
        dataDir: resolveDataDir(undefined, process.env, REPO),
        download: false,
        fetch: globalThis.fetch,
        log: () => {},
        imageCacheDir: process.env[IMAGE_CACHE_ENV]!,
      }),
  };
};

let first: RunSummary;

beforeAll(async () => {
  first = await runExperiments(options());
}, 600_000);

describe('ci profile, end to end', () => {
  it('runs every experiment and says why', () => {
    expect(first.outcomes.map((o) => [o.id, o.status, o.reason])).toEqual(RUNNABLE.map((e) => [e.id, 'ran', 'no artifact yet']));
    expect(output).toMatch(/stale — no artifact yet/);
  });

  if (WITHOUT_DATA.length > 0) it.skip(`${WITHOUT_DATA.join(', ')}: needs a dataset that ${dataDir} lacks`, () => {});

  it.each(RUNNABLE.map((e) => e.id))('%s: a valid artifact with masks, pictures and provenance', (id) => {
    const a = readArtifact(join(work, 'results'), 'ci', id)!;
    const dir = join(work, 'results', 'ci', id);
    expect(a.provenance.backend.name).toBe('wasm');
    expect(a.provenance.backend.kernels).toBe('wasm-simd');
    expect(a.provenance.seeds.length).toBeGreaterThanOrEqual(2);
    expect(a.provenance.wallSeconds.stages.length).toBeGreaterThan(a.provenance.seeds.length);
    expect(a.findings.length).toBeGreaterThanOrEqual(2);
    expect(a.findings.every((f) => !f.expected)).toBe(true);
    // Every seed contributes accuracy rows for every column.
    const columns = new Set(a.tables.accuracy.map((r) => r.column));
    for (const seed of a.provenance.seeds) {
      expect(new Set(a.tables.accuracy.filter((r) => r.seed === seed).map((r) => r.column))).toEqual(columns);
    }
    // The masks file holds exactly the entries, and each entry's kept count matches its bits.
    const bin = readFileSync(join(dir, a.maskFile.file));
    const last = a.maskFile.entries[a.maskFile.entries.length - 1];
    expect(bin.length).toBe(last.offset + last.bytes);
    for (const e of a.maskFile.entries) {
      const bits = unpackBits(bin.subarray(e.offset, e.offset + e.bytes), e.shape[0] * e.shape[1]);
      expect(bits.reduce((s, b) => s + b, 0)).toBe(e.kept);
    }
    for (const img of a.images) expect(statSync(join(dir, img.file)).size).toBeGreaterThan(50);
  });

  it.each(RUNNABLE.map((e) => e.id))('%s: the training curves end where the tables are (last-step IoU and kept = the overlap and weights-kept rows)', (id) => {
    const a = readArtifact(join(work, 'results'), 'ci', id)!;
    const curve = a.tables.curve ?? [];
    if (curve.length === 0) return; // Experiments that record no mask-stage curves on ci (stage-curves.test.ts runs SCAN's and CIFAR-10's).
    expect(expectCurvesEndAtTables(curve, a.tables.overlap, a.tables.weightsKept)).toBeGreaterThan(0);
  });

  it('a second run reuses the fresh artifacts and runs no job', async () => {
    const mtime = statSync(join(work, 'results', 'ci', 'add-mul', 'result.json')).mtimeMs;
    output = '';
    const second = await runExperiments(options());
    expect(second.outcomes.every((o) => o.status === 'fresh')).toBe(true);
    expect(output).not.toMatch(/running \d+ jobs/);
    expect(statSync(join(work, 'results', 'ci', 'add-mul', 'result.json')).mtimeMs).toBe(mtime);
  });

  it('verify accepts fresh ci artifacts (no finding is expected at ci scale)', async () => {
    const reports = await verifyWithFreshness(join(work, 'results'), 'ci', RUNNABLE, join(work, 'cache'));
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
  }, 120_000);

  it('the job cache holds one file per seed', () => {
    expect(existsSync(join(work, 'cache', 'jobs', 'add-mul', 'ci'))).toBe(true);
  });
});
