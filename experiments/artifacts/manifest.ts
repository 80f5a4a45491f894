// The content manifest of an artifact: the sha256 of its computed content
// (`tables`, `provenance`, as canonical JSON) and of every file beside
// result.json. Written with the artifact; checked by verify and by the site
// build, so a hand edit of a number, a mask or a picture is visible. (Not a
// signature: whoever edits the manifest too defeats it; verify's recomputation
// of the findings and of the mask-derived tables is the deeper check.)
// Free of tfjs so the site can use it.
import { existsSync, readFileSync } from 'node:fs';
import { filesUnder } from './files-under.ts';
import { join, relative } from 'node:path';
import { canonicalJson, sha256 } from './digest.ts';
import type { ResultArtifact } from './schema.ts';

export const RESULT_FILE = 'result.json';

export function manifestOf(artifact: Pick<ResultArtifact, 'tables' | 'provenance'>, files: ReadonlyMap<string, Uint8Array>): Record<string, string> {
  const m: Record<string, string> = { tables: sha256(canonicalJson(artifact.tables)), provenance: sha256(canonicalJson(artifact.provenance)) };
  for (const [rel, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) m[rel] = sha256(bytes);
  return m;
}

/** Problems with an artifact folder against its manifest, in words; [] when it matches. */
export function manifestProblems(dir: string, artifact: ResultArtifact): string[] {
  const problems: string[] = [];
  const m = artifact.manifest;
  for (const part of ['tables', 'provenance'] as const) {
    if (m[part] !== sha256(canonicalJson(artifact[part]))) problems.push(`result.json "${part}" does not match its manifest digest (edited by hand?)`);
  }
  const onDisk = existsSync(dir)
    ? filesUnder(dir)
        .map((f) => relative(dir, f).split('\\').join('/'))
        .filter((f) => f !== RESULT_FILE)
    : [];
  for (const f of onDisk) if (!(f in m)) problems.push(`${f} is not in the manifest`);
  for (const [f, digest] of Object.entries(m)) {
    if (f === 'tables' || f === 'provenance') continue;
    const p = join(dir, f);
    if (!existsSync(p)) problems.push(`${f} is missing`);
    else if (sha256(readFileSync(p)) !== digest) problems.push(`${f} does not match its manifest digest`);
  }
  for (const img of artifact.images) if (!(img.file in m)) problems.push(`image ${img.file} is not in the manifest`);
  if (!(artifact.maskFile.file in m)) problems.push(`${artifact.maskFile.file} is not in the manifest`);
  return problems;
}
