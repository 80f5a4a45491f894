// The reproduction's own citation data, read from CITATION.cff at the
// repository root (the one place it is written), for the Cite block and the
// pages' citation_* meta tags.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ReproductionCitation {
  title: string;
  authors: string[];
  version: string;
  /** YYYY-MM-DD. */
  released: string;
}

/** The top-level fields of CITATION.cff this site uses (a flat subset of YAML: `key: "value"` lines, `- name:` authors). */
export function parseCitation(text: string): ReproductionCitation {
  const top = (key: string) => {
    const m = new RegExp(`^${key}:\\s*"?([^"\\n]*)"?\\s*$`, 'm').exec(text);
    if (!m) throw new Error(`CITATION.cff has no ${key}`);
    return m[1];
  };
  const authorsBlock = /^authors:\n((?:\s+-?\s*\S.*\n)+?)(?=^\S)/m.exec(text)?.[1] ?? '';
  const authors = [...authorsBlock.matchAll(/-\s*name:\s*"?([^"\n]*)"?/g)].map((m) => m[1]);
  if (authors.length === 0) throw new Error('CITATION.cff names no author');
  return { title: top('title'), authors, version: top('version'), released: top('date-released') };
}

export const citation = parseCitation(readFileSync(path.resolve('CITATION.cff'), 'utf8'));
