// Named runs (experiments/runs/): a patch on a base profile's config, run with
// one flag into a folder of its own, its artifact saying which run it is.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { findRun, NAMED_RUNS, runFromFlags } from '../../experiments/runs/index.ts';
import { namedRun, patchedConfig } from '../../experiments/runs/named-run.ts';
import { initBackend } from '../../experiments/runtime/backend.ts';
import { runExperiments } from '../../experiments/runtime/run-experiments.ts';
import { verifyArtifacts } from '../../experiments/runtime/verify-artifacts.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { configFor, findExperiment } from '../../experiments/tasks/registry.ts';
import { ciRuns } from '../helpers/compare-runs.ts';

describe('patchedConfig', () => {
  const base = { seeds: [1, 2, 3], mask: { steps: 500, beta: 1e-4 }, curve: null as null | { points: number }, removed: [0, 1] };

  it('merges groups entry by entry, replaces values and lists, takes a group where the base has null', () => {
    const p = patchedConfig(base, { seeds: [1], mask: { steps: 1500 }, curve: { points: 5 }, removed: [9] }, 'run x');
    expect(p).toEqual({ seeds: [1], mask: { steps: 1500, beta: 1e-4 }, curve: { points: 5 }, removed: [9] });
    expect(base.mask.steps).toBe(500);
  });

  it('refuses a plain value where the base has a group', () => {
    expect(() => patchedConfig(base, { mask: 3 }, 'run x')).toThrow(/^run x: "mask" is a group of settings in the base config; patch its entries instead$/);
  });
});

describe('the registered runs', () => {
  it('each lives in experiments/runs/<name>.ts, names a base profile its experiment has, and changes something', () => {
    const files = readdirSync(join(import.meta.dirname, '../../experiments/runs')).filter((f) => !['index.ts', 'named-run.ts'].includes(f));
    expect(files.sort()).toEqual(NAMED_RUNS.map((r) => `${r.name}.ts`).sort());
    for (const r of NAMED_RUNS) {
      const e = findExperiment(r.experiment);
      const base = configFor(e, r.base);
      const patched = configFor(e, r.base, r);
      expect(JSON.stringify(patched), r.name).not.toBe(JSON.stringify(base));
      expect(Object.keys(patched)).toEqual(Object.keys(base));
      expect(r.purpose.length, r.name).toBeGreaterThan(40);
    }
  });

  it('--run sets profile, experiment and folder; beside --profile or --only, or unknown, it is refused in one line', () => {
    const r = NAMED_RUNS[0];
    expect(runFromFlags({ run: r.name })).toEqual({ run: r, profile: r.base, only: [r.experiment], resultsDir: `runs/${r.name}` });
    expect(runFromFlags({})).toBeNull();
    expect(() => runFromFlags({ run: r.name, profile: 'ci' })).toThrow(/leave out --profile$/);
    expect(() => runFromFlags({ run: r.name, only: 'scan' })).toThrow(/leave out --only$/);
    expect(() => findRun('nope')).toThrow(/^unknown run "nope" \(known: /);
    expect(() => configFor(findExperiment('scan'), 'quick', r)).toThrow(/is a run of cifar10 on quick, not of scan on quick/);
  });
});

describe('a named run end to end (on the ci profile)', () => {
  const work = mkdtempSync(join(tmpdir(), 'named-run-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = namedRun(addMul, { name: 'add-mul-test', base: 'ci', purpose: 'a test run', patch: { seeds: [1], mask: { steps: 7 } } });
  const { options } = ciRuns(work, ['add-mul']);

  it('writes an artifact with the patched config and the run in its provenance; verify takes it as fresh with --run, stale without', async () => {
    const first = await runExperiments(options('a', { run }));
    expect(first.outcomes.map((o) => o.status)).toEqual(['ran']);
    const a = JSON.parse(readFileSync(join(work, 'a', 'results', 'ci', 'add-mul', 'result.json'), 'utf8')) as ResultArtifact;
    expect(a.provenance.run).toEqual({ name: 'add-mul-test', purpose: 'a test run', patch: { seeds: [1], mask: { steps: 7 } } });
    expect(a.provenance.seeds).toEqual([1]);
    expect((a.provenance.config as { mask: { steps: number; beta: number } }).mask).toEqual({
      ...addMul.profiles.ci.mask,
      steps: 7,
    });
    expect(a.provenance.wallSeconds.stages.filter((s) => s.stage !== 'pretrain').every((s) => s.steps === 7)).toBe(true);

    const again = await runExperiments(options('a', { run }));
    expect(again.outcomes.map((o) => o.status)).toEqual(['fresh']);

    const backend = await initBackend('wasm');
    const freshness = (r: typeof run | null) => ({
      experimentsRoot: options('a').experimentsRoot,
      cacheDir: join(work, 'a', 'cache'),
      dataDir: null,
      backend,
      log: () => {},
      dataReady: async () => true,
      run: r,
    });
    const base = { resultsDir: join(work, 'a', 'results'), profile: 'ci' as const, experiments: [addMul] };
    const [withRun] = await verifyArtifacts({ ...base, freshness: freshness(run) });
    expect(withRun.problems).toEqual([]);
    const [without] = await verifyArtifacts({ ...base, freshness: freshness(null) });
    expect(without.problems.join(' ')).toMatch(/config/);
  });
});
