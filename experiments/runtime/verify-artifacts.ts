// What a CI job that regenerates results checks, and what the site build
// checks before it renders (integrity only). Nothing stored is trusted:
//   integrity  the artifact matches its manifest (tables, provenance, masks.bin,
//              pictures), masks.bin agrees with its index and the tables derived
//              from masks, the stored config hashes to its key's config part;
//   derivation the findings, notes and pictures are what the experiment's code
//              derives from the artifact's own tables (a flipped verdict or an
//              edited evidence number is named);
//   freshness  (unless integrity only) the key matches the current config,
//              numerics fingerprint, data and backend;
//   findings   every finding expected at this profile holds.
import { derivedDifferences, integrityOf, rederive, storedFiles } from '../artifacts/derive.ts';
import type { Finding, ProfileName, ResultArtifact } from '../artifacts/schema.ts';
import { experimentDir, readArtifact } from '../artifacts/store.ts';
import type { AnyExperiment } from '../tasks/experiment.ts';
import { configHash, staleness } from './cache-key.ts';
import { UserError } from './errors.ts';
import { currentKeyOf, type FreshnessContext } from './freshness.ts';

export interface Counts {
  held: number;
  total: number;
}

export interface VerifyReport {
  experiment: string;
  problems: string[];
  findingsHeld: number;
  findingsExpected: number;
  notExpectedButHeld: string[];
  /** The paper's headline claims and the checks, apart. */
  claims: Counts;
  trends: Counts;
  checks: Counts;
  notApplicable: string[];
  /** Findings whose expectation was declared after a run had shown the outcome. */
  declaredAfterRun: string[];
  /** Table rows recomputed from the masks. */
  rowsChecked: number;
  /** Parts of the key that could not be checked, in words. */
  unchecked: string[];
  /** No artifact (an error unless integrity only). */
  absent?: boolean;
}

export interface VerifyOptions {
  resultsDir: string;
  profile: ProfileName;
  experiments: AnyExperiment[];
  /** Null: integrity, derivation and findings only (what the site build runs). */
  freshness: Omit<FreshnessContext, 'profile'> | null;
}

function counts(findings: Finding[], kind: Finding['kind']): Counts {
  const of = findings.filter((f) => f.kind === kind);
  return { held: of.filter((f) => f.verdict === 'holds').length, total: of.length };
}

export async function verifyArtifacts(opts: VerifyOptions): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const e of opts.experiments) reports.push(await verifyOne(opts, e));
  return reports;
}

async function verifyOne(opts: VerifyOptions, e: AnyExperiment): Promise<VerifyReport> {
  const empty = {
    findingsHeld: 0,
    findingsExpected: 0,
    notExpectedButHeld: [],
    claims: { held: 0, total: 0 },
    trends: { held: 0, total: 0 },
    checks: { held: 0, total: 0 },
    notApplicable: [],
    declaredAfterRun: [],
    rowsChecked: 0,
    unchecked: [],
  };
  const rerun = `rerun: npm run experiments -- ${opts.freshness?.run ? `--run ${opts.freshness.run.name}` : `--profile ${opts.profile} --only ${e.id}`}`;
  let artifact: ResultArtifact | null;
  try {
    artifact = readArtifact(opts.resultsDir, opts.profile, e.id);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { experiment: e.id, problems: [`${e.id}: ${err.message}`], ...empty };
  }
  // Integrity only (the site build): an absent artifact is a page that says so, not an error.
  if (!artifact) return { experiment: e.id, problems: opts.freshness ? [`${e.id}: no ${opts.profile} artifact (${rerun})`] : [], ...empty, absent: true };
  const dir = experimentDir(opts.resultsDir, opts.profile, e.id);
  const problems: string[] = [];
  const say = (p: string) => problems.push(`${e.id}: ${p}`);

  const { problems: broken, rowsChecked, masksBin } = integrityOf(dir, artifact);
  broken.forEach((p) => say(`integrity: ${p}`));
  if (configHash(e.id, opts.profile, artifact.provenance.config) !== artifact.provenance.cache.config)
    say('integrity: provenance.config does not hash to the config part of its cache key (edited by hand?)');

  // Derivation: only meaningful on intact computed parts.
  if (problems.length === 0) {
    const again = await rederive(e, artifact, masksBin!);
    const diff = derivedDifferences(artifact, again, storedFiles(dir));
    diff.forEach((d) =>
      say(
        `derived part differs from what the code computes from the artifact's tables: ${d} (if the findings code changed on purpose, re-derive with npm run experiments)`,
      ),
    );
  }

  const unchecked: string[] = [];
  if (opts.freshness) {
    const f = await currentKeyOf({ ...opts.freshness, profile: opts.profile }, e, artifact, false);
    const why = staleness(artifact.provenance.cache, f.current);
    if (why) say(`artifact is stale (${why}); ${rerun}`);
    unchecked.push(...f.unknown);
  }

  for (const f of artifact.findings) {
    if (f.expected && f.verdict !== 'holds') {
      const numbers = Object.entries(f.evidence)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ');
      say(`finding "${f.id}" ${f.verdict === 'n/a' ? `is not applicable (${f.premise})` : 'does not hold'}: ${f.claim} [${numbers}]`);
    }
  }
  const fs = artifact.findings;
  return {
    experiment: e.id,
    problems,
    findingsHeld: fs.filter((f) => f.expected && f.holds).length,
    findingsExpected: fs.filter((f) => f.expected).length,
    notExpectedButHeld: fs.filter((f) => !f.expected && f.holds).map((f) => f.id),
    claims: counts(fs, 'claim'),
    trends: counts(fs, 'trend'),
    checks: counts(fs, 'check'),
    notApplicable: fs.filter((f) => f.verdict === 'n/a').map((f) => f.id),
    declaredAfterRun: fs.filter((f) => f.declared.relative === 'after-run').map((f) => f.id),
    rowsChecked,
    unchecked,
  };
}
