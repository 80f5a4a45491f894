// The runner on the ci profile of add-mul (seconds): a fresh artifact whose
// findings were edited is re-derived from its own tables (no retraining), one
// whose tables no longer match its manifest is recomputed, and publishing into
// a repository's content/results from a dirty tree is refused unless allowed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { runExperiments, type RunOptions } from '../../experiments/runtime/run-experiments.ts';

const REPO = join(import.meta.dirname, '../..');

function options(over: Partial<RunOptions>): RunOptions {
  const start = performance.now();
  return {
    profile: 'ci',
    only: ['add-mul'],
    force: false,
    backend: 'wasm',
    workers: 0,
    resultsDir: '',
    cacheDir: '',
    repoRoot: REPO,
    experimentsRoot: join(REPO, 'experiments'),
    write: () => {},
    tty: false,
    now: () => (performance.now() - start) / 1000,
    ...over,
  };
}

describe('the runner trusts only what it can check', () => {
  const work = mkdtempSync(join(tmpdir(), 'runner-'));
  const resultsDir = join(work, 'results');
  const file = join(resultsDir, 'ci', 'add-mul', 'result.json');
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as ResultArtifact;
  beforeAll(async () => {
    await runExperiments(options({ resultsDir, cacheDir: join(work, 'cache') }));
  }, 120_000);

  it("an edited finding is re-derived from the artifact's own tables, without retraining", async () => {
    const a = read();
    const f = a.findings.find((x) => x.verdict === 'fails')!;
    Object.assign(f, { holds: true, verdict: 'holds' });
    writeFileSync(file, JSON.stringify(a));
    let log = '';
    const r = await runExperiments(
      options({
        resultsDir,
        cacheDir: join(work, 'cache'),
        write: (t) => {
          log += t;
        },
      }),
    );
    expect(r.outcomes[0].status).toBe('rederived');
    expect(log).not.toMatch(/running \d+ jobs/);
    expect(log).toMatch(new RegExp(`finding "${f.id}": stored verdict "holds", recomputed "fails"`));
    expect(read().findings.find((x) => x.id === f.id)!.verdict).toBe('fails');
  }, 120_000);

  it('an artifact whose tables do not match its manifest is recomputed, not re-derived', async () => {
    const a = read();
    a.tables.accuracy[0].accuracy = a.tables.accuracy[0].accuracy === 1 ? 0.5 : 1;
    writeFileSync(file, JSON.stringify(a));
    let log = '';
    const r = await runExperiments(
      options({
        resultsDir,
        cacheDir: join(work, 'cache'),
        write: (t) => {
          log += t;
        },
      }),
    );
    expect(r.outcomes[0].status).toBe('ran');
    expect(log).toMatch(/stale — the artifact does not match its own content \(result\.json "tables" does not match its manifest digest/);
    expect(read().tables.accuracy[0]).not.toEqual(a.tables.accuracy[0]);
  }, 120_000);

  it('publishing from a dirty tree is refused with one line, and recorded when allowed', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'repo-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    writeFileSync(join(repo, 'code.ts'), 'a');
    git('add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'x');
    writeFileSync(join(repo, 'code.ts'), 'b');
    mkdirSync(join(repo, 'content', 'results'), { recursive: true });
    const publish = { resultsDir: join(repo, 'content', 'results'), cacheDir: join(work, 'cache'), repoRoot: repo };
    await expect(runExperiments(options(publish))).rejects.toThrow(/^refusing to publish into .* from a tree with uncommitted changes .*--allow-dirty/);
    await runExperiments(options({ ...publish, allowDirty: true }));
    const a = JSON.parse(readFileSync(join(repo, 'content', 'results', 'ci', 'add-mul', 'result.json'), 'utf8')) as ResultArtifact;
    expect(a.provenance.git).toMatchObject({ dirty: true, allowDirty: true });
  }, 120_000);
});
