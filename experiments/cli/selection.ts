// The flags every command that works on experiments shares (run, verify,
// export): which profile and experiments (or which named run), on which backend,
// with which cache and data folders. One definition, so the commands cannot
// drift apart in what they accept or how they say no.
import { type BackendChoice } from '../runtime/backend.ts';
import { parseBackend, parseList, parseProfile } from '../runtime/cli-args.ts';
import { runFromFlags } from '../runs/index.ts';
import type { NamedRun } from '../runs/named-run.ts';
import type { ProfileName } from '../artifacts/schema.ts';
import { selectExperiments } from '../tasks/registry.ts';

/** Profile, experiments, backend, cache and data folders. */
export const PROFILE_FLAGS = {
  profile: { type: 'string' },
  only: { type: 'string' },
  backend: { type: 'string' },
  'cache-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  offline: { type: 'boolean' },
} as const;

/** PROFILE_FLAGS and --run (a named run, which sets profile and experiment). */
export const SELECTION_FLAGS = { ...PROFILE_FLAGS, run: { type: 'string' } } as const;

export interface Selection {
  profile: ProfileName;
  /** Experiment ids, or null for every one the profile has. */
  only: string[] | null;
  /** With --run: the named run (it sets profile and experiment). */
  named: { run: NamedRun; resultsDir: string } | null;
  backend: BackendChoice;
}

/** The selection the flags make; the experiment names are checked against the profile before any work. */
export function parseSelection(values: { profile?: string; only?: string; run?: string; backend?: string }): Selection {
  const named = runFromFlags(values);
  const profile = named?.profile ?? parseProfile(values.profile);
  const only = named?.only ?? parseList(values.only);
  if (only) selectExperiments(only, profile);
  return { profile, only, named: named && { run: named.run, resultsDir: named.resultsDir }, backend: parseBackend(values.backend) };
}
