// The site build's integrity check of an artifact folder: its result.json's
// `tables` and `provenance` and every file beside it (masks.bin, images) must
// match the artifact's content manifest (experiments/artifacts/manifest.ts).
// A hand edit of a number, a mask or a picture then stops the build instead of
// being published. (`npm run site:build` also runs `verify --integrity-only`
// first, which recomputes every finding from the tables; this check is what
// protects a build that calls astro directly.)
import path from 'node:path';
import { manifestProblems } from '../../experiments/artifacts/manifest.ts';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';

/** One line naming the artifact and its first problem, or undefined when the folder matches its manifest. */
export function artifactIntegrityError(dir: string, artifact: ResultArtifact): string | undefined {
  const problems = manifestProblems(dir, artifact);
  if (problems.length === 0) return undefined;
  const where = path.relative(process.cwd(), dir) || dir;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more; npm run verify -- --integrity-only lists them)` : '';
  return `artifact ${where} fails its manifest check: ${problems[0]}${more}. Restore the folder or rerun the experiment.`;
}
