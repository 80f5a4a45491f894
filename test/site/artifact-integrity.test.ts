// The site build's manifest check (src/lib/artifact-integrity.ts, run by the
// results collection's loader in src/content.config.ts) on real copies of a
// fixture artifact folder: intact, then with one number of its tables edited,
// masks.bin truncated, a picture missing, or a file added. The build test
// (build.test.ts) shows the same line stops `astro build`.
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultArtifactSchema, type ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { artifactIntegrityError } from '../../src/lib/artifact-integrity.ts';
import { fixtureResults } from './fixture-artifacts.ts';

let tmp: string | undefined;
afterEach(() => tmp && rmSync(tmp, { recursive: true, force: true }));

/** A fresh copy of a fixture's folder, and its result.json parsed as the site parses it. */
function copyOf(experiment: string): { dir: string; artifact: () => ResultArtifact } {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'integrity-'));
  const dir = path.join(tmp, 'quick', experiment);
  cpSync(path.join(fixtureResults, 'quick', experiment), dir, { recursive: true });
  return { dir, artifact: () => resultArtifactSchema.parse(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'))) };
}

describe('artifact integrity check of the site build', () => {
  it('passes every committed fixture as the generator wrote it', () => {
    for (const experiment of ['add-mul', 'double-add', 'scan']) {
      const { dir, artifact } = copyOf(experiment);
      expect(artifactIntegrityError(dir, artifact())).toBeUndefined();
    }
  });

  it('names the artifact and the first problem when a number of its tables was edited', () => {
    const { dir, artifact } = copyOf('add-mul');
    const a = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'));
    a.tables.accuracy[0].accuracy = a.tables.accuracy[0].accuracy === 0.5 ? 0.6 : 0.5;
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(a, null, 2));
    const error = artifactIntegrityError(dir, artifact());
    expect(error).toMatch(/^artifact \S*quick\/add-mul fails its manifest check: result\.json "tables" does not match its manifest digest/);
    expect(error).not.toContain('\n');
  });

  it('catches a truncated masks.bin, a missing picture and a file the manifest does not list', () => {
    const da = copyOf('double-add');
    truncateSync(path.join(da.dir, 'masks.bin'), 10);
    expect(artifactIntegrityError(da.dir, da.artifact())).toMatch(/quick\/double-add fails its manifest check: masks\.bin does not match its manifest digest/);

    const scan = copyOf('scan');
    const picture = scan.artifact().images[0].file;
    unlinkSync(path.join(scan.dir, picture));
    expect(artifactIntegrityError(scan.dir, scan.artifact())).toContain(`quick/scan fails its manifest check: ${picture} is missing`);

    const am = copyOf('add-mul');
    writeFileSync(path.join(am.dir, 'images', 'extra.png'), 'not a picture');
    expect(artifactIntegrityError(am.dir, am.artifact())).toContain('images/extra.png is not in the manifest');
  });
});
