// How a finding's outcome reads. A finding carries both whether it held and
// whether this profile was expected to reproduce it (small profiles may be
// known to be too small for some claims); the site shows both so a reader can
// tell a surprise from a known limitation.
import type { Finding } from '../../experiments/artifacts/schema.ts';

export interface Verdict {
  /** CSS modifier: ok (held), bad (failed though expected), known (failed, not expected at this scale). */
  kind: 'ok' | 'bad' | 'known';
  label: string;
  /** Shown under the label when the profile was not expected to reproduce the claim. */
  note?: string;
  /** The measured reason it was not expected (can be long: the findings table folds it). */
  reason?: string;
}

export function verdict(f: Pick<Finding, 'holds' | 'expected' | 'expectation'>): Verdict {
  const note = f.expected ? undefined : 'Not expected at this scale';
  const reason = f.expected ? undefined : f.expectation;
  if (f.holds) return { kind: 'ok', label: '✓ reproduced', note, reason };
  return { kind: f.expected ? 'bad' : 'known', label: '✗ not reproduced', note, reason };
}

export interface Tally {
  held: number;
  failed: number;
  /** Failures the profile was not expected to reproduce. */
  failedAsExpected: number;
}

export function tally(findings: readonly Finding[]): Tally {
  const held = findings.filter((f) => f.holds).length;
  const failedAsExpected = findings.filter((f) => !f.holds && !f.expected).length;
  return { held, failed: findings.length - held, failedAsExpected };
}
