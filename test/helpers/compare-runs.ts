// Two runs' artifacts compared as the runner's guarantees say they must be:
// every file byte-identical, result.json too once the clock readings are left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ProfileName, ResultArtifact } from '../../experiments/artifacts/schema.ts';
import type { RunOptions } from '../../experiments/runtime/run-experiments.ts';

export function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

// Left out of result.json: the provenance's times (startedAt, finishedAt, derivation.at: clock readings; wallSeconds:
// stage seconds measured by each job), and the manifest's digest of the provenance, which holds them. `machine`
// only where the runs used different worker counts. Everything else — tables, findings, mask index, images list,
// git, backend, cache key — must match.
export function comparable(resultsDir: string, profile: ProfileName, id: string, withoutMachine = false): ResultArtifact {
  const a = JSON.parse(readFileSync(join(resultsDir, profile, id, 'result.json'), 'utf8')) as ResultArtifact;
  const p = a.provenance as Partial<ResultArtifact['provenance']>;
  delete p.startedAt;
  delete p.finishedAt;
  delete p.wallSeconds;
  if (withoutMachine) delete p.machine;
  delete (p.derivation as Partial<ResultArtifact['provenance']['derivation']>).at;
  delete a.manifest.provenance;
  return a;
}

/** The artifact of `id` in results folder `c` is the one in `d`: files byte for byte, result.json but for the clock. */
export function expectSameArtifact(c: string, d: string, profile: ProfileName, id: string, withoutMachine = false): void {
  const files = filesBelow(join(d, profile, id));
  expect(filesBelow(join(c, profile, id))).toEqual(files);
  expect(files).toContain('masks.bin');
  for (const f of files.filter((x) => x !== 'result.json')) {
    expect(readFileSync(join(c, profile, id, f)).equals(readFileSync(join(d, profile, id, f))), f).toBe(true);
  }
  const [ac, ad] = [comparable(c, profile, id, withoutMachine), comparable(d, profile, id, withoutMachine)];
  expect(JSON.stringify(ac.tables)).toBe(JSON.stringify(ad.tables));
  expect(JSON.stringify(ac)).toBe(JSON.stringify(ad));
}

/** Runs of the ci profile in folders of their own under `work` (results and job cache per name), in this process by default. */
export function ciRuns(work: string, only: string[]) {
  const repo = join(import.meta.dirname, '../..');
  const dirs = (name: string) => ({ resultsDir: join(work, name, 'results'), cacheDir: join(work, name, 'cache') });
  const options = (name: string, over: Partial<RunOptions> = {}): RunOptions => {
    const start = performance.now();
    return {
      profile: 'ci',
      only,
      force: false,
      backend: 'wasm',
      workers: 0,
      ...dirs(name),
      repoRoot: repo,
      experimentsRoot: join(repo, 'experiments'),
      write: () => {},
      tty: false,
      now: () => (performance.now() - start) / 1000,
      ...over,
    };
  };
  return { dirs, options };
}
