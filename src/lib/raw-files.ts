// The raw artifact files the site serves next to the pages, so every chart can
// link to the exact JSON (and masks, pictures) it was drawn from.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** File kinds served, with their content types. */
export const servedTypes: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
};

/** Paths (relative to `profileDir`, with "/") of every served file, sorted. Missing folder -> []. */
export async function listRawFiles(profileDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(profileDir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return (
    entries
      .map((p) => p.split(path.sep).join('/'))
      // Skip writer temp files (atomic writes) and anything not meant for readers.
      .filter((p) => servedTypes[path.extname(p)] !== undefined && !p.split('/').some((part) => part.startsWith('.')))
      .sort()
  );
}
