// The published artifacts (committed, so a fresh clone builds the site without
// training): intact, their findings what the code derives from their own
// tables, fresh against the code by behaviour (numerics fingerprint, data
// digest when the data is at hand), and their expected findings hold: the same
// check as `npm run verify`. Every experiment of the quick profile must have
// one; the long profile's are checked where they have been committed. When
// this fails after a code change, the message says whether to re-derive
// (seconds) or rerun.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../experiments/runtime/verify-artifacts.ts';
import { configOn } from '../../experiments/tasks/experiment.ts';
import { EXPERIMENTS } from '../../experiments/tasks/registry.ts';
import { verifyWithFreshness } from '../helpers/verify.ts';

const REPO = join(import.meta.dirname, '../..');
const RESULTS = join(REPO, 'content/results');

describe('committed quick artifacts', () => {
  let reports: VerifyReport[];
  beforeAll(async () => {
    reports = await verifyWithFreshness(RESULTS, 'quick', EXPERIMENTS, join(REPO, '.cache'));
  }, 300_000);
  it.each(EXPERIMENTS.map((e) => e.id))('%s: intact, derived as the code derives it, fresh, expected findings hold', (id) => {
    const report = reports.find((r) => r.experiment === id)!;
    expect(report.problems).toEqual([]);
    // Every artifact states findings (an experiment may expect none of them to hold at quick: clip-fidelity).
    expect(report.claims.total + report.trends.total + report.checks.total).toBeGreaterThan(0);
    expect(report.rowsChecked).toBeGreaterThan(0);
  });
});

const LONG = EXPERIMENTS.filter((e) => configOn(e, 'long') !== undefined && existsSync(join(RESULTS, 'long', e.id, 'result.json')));

describe.skipIf(LONG.length === 0)('committed long artifacts', () => {
  let reports: VerifyReport[];
  beforeAll(async () => {
    reports = await verifyWithFreshness(RESULTS, 'long', LONG, join(REPO, '.cache'));
  }, 300_000);
  it.each(LONG.map((e) => e.id))('%s: intact, derived as the code derives it, fresh, expected findings hold', (id) => {
    const report = reports.find((r) => r.experiment === id)!;
    expect(report.problems).toEqual([]);
    expect(report.rowsChecked).toBeGreaterThan(0);
  });
});
