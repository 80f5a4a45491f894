// Every experiment the runner knows, in the order the site lists them.
import { UserError } from '../runtime/errors.ts';
import { addMul } from './add-mul.ts';
import { cifar10 } from './cifar10.ts';
import { clipFidelity } from './clip-fidelity.ts';
import { doubleAdd } from './double-add.ts';
import type { ProfileName } from '../artifacts/schema.ts';
import { configOn, profilesOf, type AnyExperiment } from './experiment.ts';
import { permutedMnist } from './permuted-mnist.ts';
import { scan } from './scan.ts';
import { sharingVsWidth } from './sharing-vs-width.ts';
import { patchedConfig, type NamedRun } from '../runs/named-run.ts';

export const EXPERIMENTS: AnyExperiment[] = [addMul, doubleAdd, sharingVsWidth, clipFidelity, permutedMnist, scan, cifar10];

export function findExperiment(id: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.id === id);
  if (!e) throw new UserError(`unknown experiment "${id}" (known: ${EXPERIMENTS.map((x) => x.id).join(', ')})`);
  return e;
}

/**
 * The experiments a command works on: those named (each must have settings for
 * the profile), or every one that has them (the long profile is built up
 * experiment by experiment).
 */
export function selectExperiments(only: string[] | null, profile: ProfileName): AnyExperiment[] {
  if (!only) return EXPERIMENTS.filter((e) => configOn(e, profile) !== undefined);
  return only.map((id) => {
    const e = findExperiment(id);
    if (configOn(e, profile) === undefined) throw new UserError(`${id} has no ${profile} profile (it has ${profilesOf(e).join(', ')})`);
    return e;
  });
}

/**
 * The experiment's config on the profile (selectExperiments has made sure there
 * is one), or in a named run (runs/), the run's patch on it.
 */
export function configFor(e: AnyExperiment, profile: ProfileName, run?: NamedRun | null): { seeds: number[] } {
  const config = configOn(e, profile);
  if (config === undefined) throw new UserError(`${e.id} has no ${profile} profile (it has ${profilesOf(e).join(', ')})`);
  if (!run) return config;
  const r = run;
  if (r.experiment !== e.id || r.base !== profile) throw new UserError(`run ${r.name} is a run of ${r.experiment} on ${r.base}, not of ${e.id} on ${profile}`);
  return patchedConfig(config, r.patch, `run ${r.name}`);
}
