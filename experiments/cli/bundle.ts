// The `export` and `merge` commands of `npm run experiments` (experiments.ts): carry a
// shard's finished jobs to the machine that assembles the artifacts
// (runtime/job-bundle.ts has the format and the checks).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseFlags } from '../runtime/cli-args.ts';
import { parseSelection, PROFILE_FLAGS } from './selection.ts';
import { UserError } from '../runtime/errors.ts';
import { exportJobs, mergeBundles } from '../runtime/job-bundle.ts';
import { checkBackend, checkNotAFile } from '../runtime/preflight.ts';
import { runContext } from '../runtime/run-context.ts';

export const BUNDLE_USAGE = `       npm run experiments -- export --to FILE [--profile NAME] [--only LIST]
                                 [--cache-dir DIR] [--backend NAME] [--data-dir DIR] [--offline]
       npm run experiments -- merge FILE... [--cache-dir DIR]`;

export const BUNDLE_HELP = `commands (to carry a shard's jobs to the machine that assembles, README "Running in shards"):
  export             writes the job cache's finished jobs under the current cache keys
                     (of the profile and experiments given; default: quick, all) into
                     one bundle file, --to FILE (JSON: rows and bit-packed masks, each
                     job with its digest). Takes the keys as a run would: give the same
                     --backend and --data-dir as the shard run
  merge              checks every entry of the bundles (shape, a job of this code,
                     digest, rows, finite numbers) and imports them into the job cache
                     (--cache-dir); one refused entry and nothing is imported. A run
                     without --shard then finds the jobs cached and assembles`;

const log = (line: string) => process.stdout.write(`  ${line}\n`);

export async function exportCommand(argv: string[], experimentsRoot: string): Promise<number> {
  const { values } = parseFlags(argv, { ...PROFILE_FLAGS, to: { type: 'string' } });
  if (values.to === undefined || values.to === '') throw new UserError('export: --to FILE is required (where the bundle goes)');
  const { profile, only, backend } = parseSelection(values);
  const to = resolve(values.to);
  checkNotAFile('--to', dirname(to));
  if (existsSync(to) && statSync(to).isDirectory()) throw new UserError(`--to: "${to}" is a folder, not a file`);
  checkNotAFile('--cache-dir', resolve(values['cache-dir'] ?? '.cache'));
  checkBackend(backend);
  const ctx = runContext(values, log);
  await exportJobs({ profile, only, backend, cacheDir: ctx.cacheDir, dataDir: ctx.dataDir.dir, experimentsRoot, to, prepare: ctx.prepare, log });
  return 0;
}

export function mergeCommand(argv: string[]): number {
  const { values, positionals } = parseFlags(argv, { 'cache-dir': { type: 'string' } }, true);
  if (positionals.length === 0) throw new UserError('merge: name at least one bundle file (made by export)');
  const cacheDir = resolve(values['cache-dir'] ?? '.cache');
  checkNotAFile('--cache-dir', cacheDir);
  mergeBundles(positionals, cacheDir, log);
  return 0;
}
