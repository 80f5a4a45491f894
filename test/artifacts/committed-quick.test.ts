// The published quick artifacts (committed, so a fresh clone builds the site
// without training) must be fresh against the code and their expected findings
// must hold: the same check as `npm run verify`. When this fails after a code
// change, rerun: npm run experiments (then commit content/results/quick).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyArtifacts } from '../../experiments/runtime/verify-artifacts.ts';
import { EXPERIMENTS } from '../../experiments/tasks/registry.ts';

const REPO = join(import.meta.dirname, '../..');

describe('committed quick artifacts', () => {
  const reports = verifyArtifacts(join(REPO, 'content/results'), join(REPO, 'experiments'), 'quick', EXPERIMENTS);
  it.each(reports.map((r) => [r.experiment, r] as const))('%s: present, fresh, expected findings hold', (_, report) => {
    expect(report.problems).toEqual([]);
    expect(report.findingsExpected).toBeGreaterThan(0);
  });
});
