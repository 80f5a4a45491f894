// How a finding's outcome reads. A finding is one of the paper's headline
// claims, a scale trend of this reproduction (how a quantity moves with
// width or stage length), or a check (a precondition or sanity check: the network solves the
// task, the control mask keeps accuracy); its verdict holds, fails, or is not
// applicable when its premise does not hold. It also records whether this
// profile was expected to reproduce it (small profiles may be known to be too
// small for some claims) and when that expectation was declared: before the
// run that produced the artifact, or after a run had shown the outcome. The
// site shows all of it, so a reader can tell a reproduced claim from a passed
// check, a surprise from a known limitation, and a prediction from a
// judgement made after the fact.
import type { Finding } from '../../experiments/artifacts/schema.ts';

export type FindingKind = Finding['kind'];

export const kindLabel: Record<FindingKind, string> = { claim: 'headline claim', trend: 'scale trend', check: 'check' };

export interface Declared {
  relative: Finding['declared']['relative'];
  /** YYYY-MM-DD. */
  date: string;
  /** "Expectation declared before the run (2026-11-26)" or "… after a run had shown the outcome (…)". */
  text: string;
  /** Why it was declared after the run (after-run only). */
  reason?: string;
}

export interface Verdict {
  /** CSS modifier: ok (held), bad (failed though expected), known (failed, not expected at this scale), na (premise not met). */
  kind: 'ok' | 'bad' | 'known' | 'na';
  label: string;
  /** What the finding is: "headline claim" or "check". */
  type: string;
  /** Not applicable: what the finding's premise needed and did not get. */
  premise?: string;
  /** Shown under the label when the profile was not expected to reproduce the claim. */
  note?: string;
  /** The measured reason it was not expected (can be long: the findings table folds it). */
  reason?: string;
  declared: Declared;
}

type VerdictInput = Pick<Finding, 'kind' | 'verdict' | 'premise' | 'expected' | 'expectation' | 'declared'>;

export function declaredOf(d: Finding['declared']): Declared {
  const date = d.at.slice(0, 10);
  const when = d.relative === 'before-run' ? 'before the run' : 'after a run had shown the outcome';
  return { relative: d.relative, date, text: `Expectation declared ${when} (${date})`, reason: d.relative === 'after-run' ? d.reason : undefined };
}

export function verdict(f: VerdictInput): Verdict {
  const note = f.expected ? undefined : 'Not expected at this scale';
  const reason = f.expected ? undefined : f.expectation;
  const common = { type: kindLabel[f.kind], note, reason, declared: declaredOf(f.declared) };
  if (f.verdict === 'n/a') return { kind: 'na', label: '— not applicable', premise: f.premise, ...common };
  const held = f.verdict === 'holds';
  const label = f.kind === 'claim' ? (held ? '✓ reproduced' : '✗ not reproduced') : held ? '✓ holds' : '✗ does not hold';
  return { kind: held ? 'ok' : f.expected ? 'bad' : 'known', label, ...common };
}

/** Short mark for a list item: ✓, ✗ or —, with its accessible name. */
export function mark(f: Pick<Finding, 'kind' | 'verdict'>): { symbol: string; className: string; name: string } {
  if (f.verdict === 'n/a') return { symbol: '—', className: 'mark-na', name: 'not applicable' };
  const held = f.verdict === 'holds';
  const name = f.kind === 'claim' ? (held ? 'reproduced' : 'not reproduced') : held ? 'holds' : 'does not hold';
  return { symbol: held ? '✓' : '✗', className: held ? 'mark-ok' : 'mark-bad', name };
}

export interface Counts {
  total: number;
  held: number;
  /** Failed: neither held nor not applicable. */
  failed: number;
  notApplicable: number;
  /** Failures the profile was not expected to reproduce. */
  failedNotExpected: number;
  /** Held although declared not expected at this profile's scale. */
  heldNotExpected: number;
}

export interface Tally {
  /** The paper's headline claims. */
  claims: Counts;
  /** Scale trends of this reproduction (how a quantity moves with width or stage length), counted apart. */
  trends: Counts;
  /** Preconditions and sanity checks, counted apart. */
  checks: Counts;
  /** Findings (claims and checks) whose expectation was declared after a run had shown the outcome. */
  declaredAfterRun: number;
  findings: number;
}

type TallyInput = Pick<Finding, 'kind' | 'verdict' | 'expected' | 'declared'>;

function counts(findings: readonly TallyInput[]): Counts {
  const held = findings.filter((f) => f.verdict === 'holds').length;
  const notApplicable = findings.filter((f) => f.verdict === 'n/a').length;
  const failedNotExpected = findings.filter((f) => f.verdict === 'fails' && !f.expected).length;
  const heldNotExpected = findings.filter((f) => f.verdict === 'holds' && !f.expected).length;
  return { total: findings.length, held, failed: findings.length - held - notApplicable, notApplicable, failedNotExpected, heldNotExpected };
}

export function tally(findings: readonly TallyInput[]): Tally {
  return {
    claims: counts(findings.filter((f) => f.kind === 'claim')),
    trends: counts(findings.filter((f) => f.kind === 'trend')),
    checks: counts(findings.filter((f) => f.kind === 'check')),
    declaredAfterRun: findings.filter((f) => f.declared.relative === 'after-run').length,
    findings: findings.length,
  };
}

/** Sum of several tallies (the home page's total over experiments). */
export function addTallies(tallies: readonly Tally[]): Tally {
  const add = (a: Counts, b: Counts): Counts => ({
    total: a.total + b.total,
    held: a.held + b.held,
    failed: a.failed + b.failed,
    notApplicable: a.notApplicable + b.notApplicable,
    failedNotExpected: a.failedNotExpected + b.failedNotExpected,
    heldNotExpected: a.heldNotExpected + b.heldNotExpected,
  });
  const zero: Counts = { total: 0, held: 0, failed: 0, notApplicable: 0, failedNotExpected: 0, heldNotExpected: 0 };
  return tallies.reduce(
    (s, t) => ({
      claims: add(s.claims, t.claims),
      trends: add(s.trends, t.trends),
      checks: add(s.checks, t.checks),
      declaredAfterRun: s.declaredAfterRun + t.declaredAfterRun,
      findings: s.findings + t.findings,
    }),
    { claims: zero, trends: zero, checks: zero, declaredAfterRun: 0, findings: 0 },
  );
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * How many of the failures were not expected at this scale: "not expected at
 * this scale" (the one), "both …", "all 8 not expected …", "2 of them not
 * expected …"; "" when every failure was expected to hold.
 */
export function notExpectedPhrase(c: Pick<Counts, 'failed' | 'failedNotExpected'>): string {
  if (c.failedNotExpected === 0) return '';
  if (c.failedNotExpected < c.failed) return `${c.failedNotExpected} of them not expected at this scale`;
  return `${c.failed === 1 ? 'not expected' : c.failed === 2 ? 'both not expected' : `all ${c.failed} not expected`} at this scale`;
}

/**
 * "(3 not reproduced, 2 of them not expected at this scale; 1 not applicable)",
 * "(2 held though declared not expected at this scale)", or "" when all held
 * as expected.
 */
function restOf(c: Counts, failedWord: string): string {
  const parts: string[] = [];
  if (c.heldNotExpected > 0) parts.push(`${c.heldNotExpected} held though declared not expected at this scale`);
  if (c.failed > 0) {
    const notExpected = notExpectedPhrase(c);
    parts.push(`${c.failed} ${failedWord}${notExpected ? `, ${notExpected}` : ''}`);
  }
  if (c.notApplicable > 0) parts.push(`${c.notApplicable} not applicable`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/**
 * The headline-claims sentence: "1 of 4 of the paper's headline claims
 * reproduces in the quick profile (2 not reproduced, both not expected at this
 * scale; 1 not applicable)."
 */
export function claimsSentence(c: Counts, profile: string): string {
  if (c.total === 0) return `None of the paper's headline claims is tested here in the ${profile} profile.`;
  return `${c.held} of ${c.total} of the paper's headline claims ${plural(c.held, 'reproduces', 'reproduce')} in the ${profile} profile${restOf(c, 'not reproduced')}.`;
}

/** "1 of 3 checks holds (2 do not, not expected at this scale)." — the preconditions and sanity checks, apart. */
export function checksSentence(c: Counts): string {
  if (c.total === 0) return 'No checks.';
  return `${c.held} of ${c.total} ${plural(c.total, 'check', 'checks')} ${plural(c.held, 'holds', 'hold')}${restOf(c, plural(c.failed, 'does not', 'do not'))}.`;
}

/** "2 of 3 scale trends hold (1 does not)."; "" when there are none. */
export function trendsSentence(c: Counts): string {
  if (c.total === 0) return '';
  return `${c.held} of ${c.total} scale ${plural(c.total, 'trend', 'trends')} ${plural(c.held, 'holds', 'hold')}${restOf(c, plural(c.failed, 'does not', 'do not'))}.`;
}

/** "3 of 8 expectations were declared after a run had shown the outcome." */
export function declaredSentence(t: Tally): string {
  if (t.findings === 0) return '';
  if (t.declaredAfterRun === 0) return `Every expectation was declared before the run.`;
  return `${t.declaredAfterRun} of ${t.findings} expectations ${plural(t.declaredAfterRun, 'was', 'were')} declared after a run had shown the outcome.`;
}
