// Loading the official SCAN files (github.com/brendenlake/SCAN) from a local
// folder with the repository's layout, for users who want the exact published
// splits (the simple split in particular is one random draw).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors.ts';
import { parseScanFile } from './scan-format.ts';
import type { ScanPart, ScanSplit, SplitData } from './splits.ts';

const FILES: Record<ScanSplit, string> = {
  simple: 'simple_split/tasks_{part}_simple.txt',
  length: 'length_split/tasks_{part}_length.txt',
  jump: 'add_prim_split/tasks_{part}_addprim_jump.txt',
  turn_left: 'add_prim_split/tasks_{part}_addprim_turn_left.txt',
};

export function officialFile(dir: string, split: ScanSplit, part: ScanPart): string {
  return join(dir, FILES[split].replace('{part}', part));
}

export function loadOfficialSplit(dir: string, split: ScanSplit): SplitData {
  const read = (part: ScanPart) => {
    const path = officialFile(dir, split, part);
    if (!existsSync(path)) throw new UserError(`no SCAN file at ${path} (expected the layout of github.com/brendenlake/SCAN)`);
    return parseScanFile(readFileSync(path, 'utf8'), path);
  };
  return { train: read('train'), test: read('test') };
}
