// Atomic file writes: write a temp file beside the target, then rename. A killed
// run never leaves a half-written artifact, and a failed run never clobbers the
// previous good one.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Replaces a whole directory atomically enough for our needs: the new content is
 * written to a sibling staging directory first, then the old directory is moved
 * aside and the staging one renamed into place. If anything fails before the
 * swap, the old directory is untouched.
 */
export function replaceDirectory(target: string, fill: (staging: string) => void): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}.${Date.now()}`;
  const staging = join(parent, `.${basename(target)}.staging.${stamp}`);
  const old = join(parent, `.${basename(target)}.old.${stamp}`);
  mkdirSync(staging, { recursive: true });
  try {
    fill(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  let moved = false;
  try {
    renameSync(target, old);
    moved = true;
  } catch {
    // No previous directory: nothing to move aside.
  }
  renameSync(staging, target);
  if (moved) rmSync(old, { recursive: true, force: true });
}
