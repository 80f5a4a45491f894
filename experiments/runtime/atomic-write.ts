// Atomic file writes: write a temp file beside the target, flush it to disk,
// then rename. A killed run never leaves a half-written artifact, and a failed
// run never clobbers the previous good one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { withPath } from './errors.ts';

/** Written last into a staging folder: its content is complete (runtime/heal.ts trusts only such a one). */
export const COMPLETE_MARKER = '.complete';

/** Writes and fsyncs a file (no rename). */
export function writeFileSynced(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw withPath(err, path); // A failed write(2) (a full disk) names no file.
  }
}

/**
 * Replaces a whole directory: the new content is written to a sibling staging
 * directory, flushed and marked complete; then the old directory is moved aside
 * and the staging one renamed into place. If anything fails before the swap,
 * the old directory is untouched; a kill between the two renames is healed on
 * the next start (runtime/heal.ts), which puts the complete new one in place.
 * `fill` writes with writeFileSynced.
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
    writeFileSynced(join(staging, COMPLETE_MARKER), '');
    fsyncDir(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw withPath(err, target);
  }
  let moved = false;
  try {
    renameSync(target, old);
    moved = true;
  } catch {
    // No previous directory: nothing to move aside.
  }
  hooks.betweenRenames?.();
  rmSync(join(staging, COMPLETE_MARKER), { force: true });
  renameSync(staging, target);
  fsyncDir(parent);
  if (moved) rmSync(old, { recursive: true, force: true });
}

/** Test hook: lets a test kill the process between the two renames. */
export const hooks: { betweenRenames?: () => void } = {};
