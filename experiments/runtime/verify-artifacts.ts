// What a CI job that regenerates results checks: every experiment of the
// profile has an artifact, the artifact is fresh against the code (cache key),
// and every finding expected at this profile holds.
import type { ProfileName } from '../artifacts/schema.ts';
import { readArtifact } from '../artifacts/store.ts';
import type { AnyExperiment } from '../tasks/experiment.ts';
import { computeCacheKey, staleness } from './cache-key.ts';

export interface VerifyReport {
  experiment: string;
  problems: string[];
  findingsHeld: number;
  findingsExpected: number;
  notExpectedButHeld: string[];
}

export function verifyArtifacts(resultsDir: string, experimentsRoot: string, profile: ProfileName, experiments: AnyExperiment[]): VerifyReport[] {
  return experiments.map((e) => {
    const problems: string[] = [];
    const artifact = readArtifact(resultsDir, profile, e.id);
    if (!artifact) {
      return { experiment: e.id, problems: [`${e.id}: no ${profile} artifact (run: npm run experiments -- --profile ${profile} --only ${e.id})`], findingsHeld: 0, findingsExpected: 0, notExpectedButHeld: [] };
    }
    const key = computeCacheKey(experimentsRoot, e.id, profile, e.profiles[profile], e.dataVersion);
    const why = staleness(artifact.provenance.cache, key);
    if (why) problems.push(`${e.id}: artifact is stale (${why}); rerun: npm run experiments -- --profile ${profile} --only ${e.id}`);
    for (const f of artifact.findings) {
      if (f.expected && !f.holds) {
        const numbers = Object.entries(f.evidence).map(([k, v]) => `${k} = ${v}`).join(', ');
        problems.push(`${e.id}: finding "${f.id}" does not hold: ${f.claim} [${numbers}]`);
      }
    }
    return {
      experiment: e.id, problems,
      findingsHeld: artifact.findings.filter((f) => f.expected && f.holds).length,
      findingsExpected: artifact.findings.filter((f) => f.expected).length,
      notExpectedButHeld: artifact.findings.filter((f) => !f.expected && f.holds).map((f) => f.id),
    };
  });
}
