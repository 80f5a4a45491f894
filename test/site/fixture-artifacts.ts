// Loads the committed synthetic artifacts (test/fixtures/results/quick/*) the
// way the site does: parsed with the shared schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultArtifactSchema, type ResultArtifact } from '../../experiments/artifacts/schema.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtureResults = path.join(repoRoot, 'test/fixtures/results');
export const fixtureExperiments = ['add-mul', 'double-add', 'unwritten', 'scan', 'permuted-mnist', 'cifar10'] as const;

export function loadFixture(experiment: string): ResultArtifact {
  const file = path.join(fixtureResults, 'quick', experiment, 'result.json');
  return resultArtifactSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
