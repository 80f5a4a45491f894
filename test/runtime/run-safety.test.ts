// A run killed at the worst moment, two runs at once, and a damaged job-cache
// entry: nothing is lost, the second run refuses with one line, and the bad
// entry is recomputed with one line saying so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirectory } from '../../experiments/runtime/atomic-write.ts';
import { healResults, removeTempFiles } from '../../experiments/runtime/heal.ts';
import { readJobResult, writeJobResult } from '../../experiments/runtime/jobs.ts';
import { acquireRunLock, lockFileOf } from '../../experiments/runtime/run-lock.ts';

const REPO = join(import.meta.dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');

/** Replaces `target` in a child process that is killed (SIGKILL) between the two renames. */
function killBetweenRenames(target: string, content: string): void {
  const script = `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { hooks, replaceDirectory, writeFileSynced } from ${JSON.stringify(join(REPO, 'experiments/runtime/atomic-write.ts'))};
    hooks.betweenRenames = () => process.kill(process.pid, 'SIGKILL');
    replaceDirectory(${JSON.stringify(target)}, (s) => writeFileSynced(join(s, 'result.json'), ${JSON.stringify(content)}));
  `;
  const r = spawnSync(TSX, ['--eval', script], { encoding: 'utf8' });
  // tsx runs the script in a child node process: the kill shows as its signal or as tsx's exit code 128 + 9.
  expect(r.signal === 'SIGKILL' || r.status === 137).toBe(true);
}

describe('a kill between the two renames of an artifact replacement', () => {
  it.each([1, 2, 3])(
    'trial %i: the next start puts the complete new artifact in place and removes the leftovers',
    (trial) => {
      const parent = mkdtempSync(join(tmpdir(), 'heal-'));
      const target = join(parent, 'add-mul');
      replaceDirectory(target, (s) => writeFileSync(join(s, 'result.json'), 'old'));
      killBetweenRenames(target, `new ${trial}`);
      expect(existsSync(target)).toBe(false); // what the kill leaves: no artifact, two hidden copies
      expect(readdirSync(parent).length).toBe(2);
      const lines = healResults(parent);
      expect(readFileSync(join(target, 'result.json'), 'utf8')).toBe(`new ${trial}`);
      expect(readdirSync(parent)).toEqual(['add-mul']);
      expect(readdirSync(target)).toEqual(['result.json']);
      expect(lines[0]).toMatch(/^recovered .*add-mul from its complete new version/);
    },
    30_000,
  );

  it('without a complete new copy the previous artifact comes back', () => {
    const parent = mkdtempSync(join(tmpdir(), 'heal-'));
    mkdirSync(join(parent, '.add-mul.old.123.456'));
    writeFileSync(join(parent, '.add-mul.old.123.456', 'result.json'), 'previous');
    mkdirSync(join(parent, '.add-mul.staging.123.456')); // half-written: no completeness marker
    healResults(parent);
    expect(readFileSync(join(parent, 'add-mul', 'result.json'), 'utf8')).toBe('previous');
    expect(readdirSync(parent)).toEqual(['add-mul']);
  });

  it('leftover job temp files are removed; finished job files are kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    mkdirSync(join(dir, 'add-mul', 'quick', 'abc'), { recursive: true });
    writeFileSync(join(dir, 'add-mul', 'quick', 'abc', '.seed-1.json.99.1.tmp'), '{');
    writeFileSync(join(dir, 'add-mul', 'quick', 'abc', 'seed-2.json'), '{}');
    expect(removeTempFiles(dir)).toHaveLength(1);
    expect(readdirSync(join(dir, 'add-mul', 'quick', 'abc'))).toEqual(['seed-2.json']);
  });
});

describe('two runs on the same folders', () => {
  it('the second refuses with one line naming the first', () => {
    const root = mkdtempSync(join(tmpdir(), 'lock-'));
    const results = join(root, 'results');
    const lock = acquireRunLock([results]);
    try {
      const r = spawnSync(
        TSX,
        [join(REPO, 'experiments/cli/experiments.ts'), '--profile', 'ci', '--only', 'add-mul', '--results-dir', results, '--cache-dir', join(root, 'cache')],
        { encoding: 'utf8', cwd: REPO },
      );
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`another run \\(pid ${process.pid}.*is using ${results}`));
      expect(readdirSync(root)).toEqual(['.results.modularity-run.lock']);
    } finally {
      lock.release();
    }
    expect(readdirSync(root)).toEqual([]);
  }, 60_000);

  it('a lock left by a killed run is taken over, with a line saying so', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lock-')), 'results');
    writeFileSync(lockFileOf(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'then' }));
    const lock = acquireRunLock([dir]);
    expect(lock.notes[0]).toMatch(/took over the lock of a run that is gone/);
    lock.release();
  });
});

describe('job-cache entries are checked before reuse', () => {
  const output = {
    seed: 1,
    pretrain: [],
    accuracy: [{ seed: 1, variant: 'normal', column: 'Full', evalSet: '+', accuracy: 0.5 }],
    weightsKept: [],
    overlap: [],
    confusion: [],
    histograms: [],
    masks: [],
    stages: [{ stage: 'pretrain', seconds: 1, steps: 10 }],
  };
  const backend = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', kernels: 'wasm-simd' as const, skipped: [] };
  it.each([
    ['an edited number', (t: string) => t.replace('"accuracy":0.5', '"accuracy":0.9'), /does not match its digest/],
    ['a schema violation with a matching digest', (t: string) => t.replace(/"digest":"[0-9a-f]+",/, '"digest":"x",'), /does not match its digest/],
    ['a truncated file', (t: string) => t.slice(0, t.length / 2), /not JSON/],
    ['an entry written before digests', (t: string) => t.replace(/"digest":"[0-9a-f]+",/, ''), /no digest/],
  ])('%s is recomputed with one line', (_name, damage, why) => {
    const path = join(mkdtempSync(join(tmpdir(), 'job-')), 'seed-1.json');
    writeJobResult(path, { backend, output });
    expect(readJobResult(path)!.output).toEqual(output);
    writeFileSync(path, damage(readFileSync(path, 'utf8')));
    const lines: string[] = [];
    expect(readJobResult(path, (l) => lines.push(l))).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(why);
    expect(lines[0]).toMatch(/recomputing it$/);
  });
});
