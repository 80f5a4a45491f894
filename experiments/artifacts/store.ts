// Where artifacts live and how they are read and written:
//   <resultsDir>/<profile>/<experiment>/result.json   (validated by the schema)
//   <resultsDir>/<profile>/<experiment>/masks.bin, images/*.png
// A write replaces the whole experiment folder at once (staging folder +
// rename), so a failed or killed run leaves the previous artifact intact.
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { replaceDirectory, writeFileSynced } from '../runtime/atomic-write.ts';
import { RESULT_FILE } from './manifest.ts';
import { UserError } from '../runtime/errors.ts';
import type { AssembledArtifact } from './assemble.ts';
import { resultArtifactSchema, SCHEMA_VERSION, type ProfileName, type ResultArtifact } from './schema.ts';

export { RESULT_FILE };

export function experimentDir(resultsDir: string, profile: ProfileName, experiment: string): string {
  return join(resultsDir, profile, experiment);
}

/** Reads and validates an artifact; null when absent; a one-line UserError when malformed. */
export function readArtifact(resultsDir: string, profile: ProfileName, experiment: string): ResultArtifact | null {
  const path = join(experimentDir(resultsDir, profile, experiment), RESULT_FILE);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`malformed artifact ${path}: not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = resultArtifactSchema.safeParse(raw);
  if (!parsed.success) {
    const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (version !== undefined && version !== SCHEMA_VERSION)
      throw new UserError(`malformed artifact ${path}: schema version ${String(version)}, this code reads ${SCHEMA_VERSION}`);
    const issue = parsed.error.issues[0];
    throw new UserError(`malformed artifact ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function writeArtifact(resultsDir: string, profile: ProfileName, assembled: AssembledArtifact): string {
  const dir = experimentDir(resultsDir, profile, assembled.artifact.experiment);
  replaceDirectory(dir, (staging) => {
    writeFileSynced(join(staging, RESULT_FILE), `${JSON.stringify(assembled.artifact, null, 1)}\n`);
    for (const [rel, bytes] of assembled.files) {
      mkdirSync(dirname(join(staging, rel)), { recursive: true });
      writeFileSynced(join(staging, rel), bytes);
    }
  });
  return dir;
}
