// A named run: one experiment on a base profile's config with a few settings
// changed, committed as a file of its own (like nanoGPT's config/<run>.py). The
// sizing and diagnostic runs whose numbers justify a profile's sizes or a "not
// expected at this scale" verdict are named runs, so that a note can cite the
// run by name and anyone can rerun it with one flag:
//
//   npm run experiments -- --run cifar10-truck-1500
//
// Its artifact goes to runs/<name>/ (not content/results), with the run's name,
// purpose and patch in its provenance.
import { UserError } from '../runtime/errors.ts';
import type { Experiment } from '../tasks/experiment.ts';

export interface NamedRun {
  /** The file name without .ts; lower-case words joined by '-'. */
  name: string;
  /** The experiment's id. */
  experiment: string;
  base: 'ci' | 'quick' | 'long';
  /** What the run measures, and which note or verdict rests on it. */
  purpose: string;
  /** The settings that differ from the base profile's config: groups merge entry by entry, anything else (numbers, lists) replaces. */
  patch: Record<string, unknown>;
}

/** Every setting optional, groups of settings too; lists stay whole. */
export type ConfigPatch<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? ConfigPatch<T[K]> : T[K] };

/** A named run of `experiment`, its patch type-checked against the experiment's config. */
export function namedRun<C extends { seeds: number[] }>(
  experiment: Experiment<C>,
  run: { name: string; base: NamedRun['base']; purpose: string; patch: ConfigPatch<C> },
): NamedRun {
  if (experiment.profiles[run.base] === undefined) throw new Error(`run ${run.name}: ${experiment.id} has no ${run.base} profile`);
  return { ...run, experiment: experiment.id, patch: run.patch as Record<string, unknown> };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The base config with the patch applied: a group of settings merges entry by
 * entry, anything else replaces. A plain value where the base has a group is
 * refused (it would drop the group's other settings unseen).
 */
export function patchedConfig<C>(base: C, patch: Record<string, unknown>, where: string): C {
  const merge = (b: Record<string, unknown>, p: Record<string, unknown>, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(p)) {
      const at = path ? `${path}.${k}` : k;
      if (isObject(v) && isObject(b[k])) out[k] = merge(b[k], v, at);
      else if (isObject(b[k])) throw new UserError(`${where}: "${at}" is a group of settings in the base config; patch its entries instead`);
      else out[k] = v;
    }
    return out;
  };
  return merge(base as Record<string, unknown>, patch, '') as C;
}
