// Recovery from a run killed mid-write. Artifact folders are replaced in two
// renames (runtime/atomic-write.ts): the old folder aside, then the complete
// new one in. A kill between them leaves no artifact, only `.X.old.*` (the
// previous one) and `.X.staging.*` (the new one, complete when it holds the
// `.complete` marker). On the next start, under the run lock: put back the
// complete new one, else the old one; then remove the leftovers. Job files are
// written as `.name.*.tmp` then renamed: leftover temp files are removed.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLETE_MARKER } from './atomic-write.ts';

const LEFTOVER = /^\.(.+)\.(staging|old)\.(\d+)\.(\d+)$/;

/** Heals every artifact folder under `parent`; returns one line per action. */
export function healResults(parent: string): string[] {
  if (!existsSync(parent)) return [];
  const lines: string[] = [];
  const leftovers = readdirSync(parent)
    .map((name) => ({ name, m: LEFTOVER.exec(name) }))
    .filter((x) => x.m);
  const targets = new Set(leftovers.map((x) => x.m![1]));
  for (const target of targets) {
    const mine = leftovers.filter((x) => x.m![1] === target);
    const newest = (kind: string) => mine.filter((x) => x.m![2] === kind).sort((a, b) => Number(b.m![4]) - Number(a.m![4]));
    const path = join(parent, target);
    if (!existsSync(path)) {
      const staged = newest('staging').find((x) => existsSync(join(parent, x.name, COMPLETE_MARKER)));
      const back = staged ?? newest('old')[0];
      if (back) {
        rmSync(join(parent, back.name, COMPLETE_MARKER), { force: true });
        renameSync(join(parent, back.name), path);
        lines.push(`recovered ${path} from ${staged ? 'its complete new version' : 'its previous version'} (a run was killed while replacing it)`);
      }
    }
    for (const x of mine) {
      if (existsSync(join(parent, x.name))) {
        rmSync(join(parent, x.name), { recursive: true, force: true });
        lines.push(`removed the leftover ${join(parent, x.name)}`);
      }
    }
  }
  return lines;
}

/** Removes leftover temp files of atomic writes under `dir` (recursively). */
export function removeTempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.startsWith('.') && name.endsWith('.tmp')) {
        rmSync(p, { force: true });
        lines.push(`removed the leftover temp file ${p}`);
      }
    }
  };
  walk(dir);
  return lines;
}
