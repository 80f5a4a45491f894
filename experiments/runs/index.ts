// Every named run (named-run.ts), one file each.
import { UserError } from '../runtime/errors.ts';
import cifar10Truck1500 from './cifar10-truck-1500.ts';
import cifar10Truck4beta from './cifar10-truck-4beta.ts';
import doubleAdd8k from './double-add-8k.ts';
import type { NamedRun } from './named-run.ts';
import scanBeta3e3 from './scan-beta-3e-3.ts';
import scanBeta75e4x2500 from './scan-beta-7.5e-4-2500.ts';

export const NAMED_RUNS: NamedRun[] = [cifar10Truck1500, cifar10Truck4beta, doubleAdd8k, scanBeta75e4x2500, scanBeta3e3];

/**
 * What `--run NAME` selects on a command line: the run, its base profile, its
 * experiment, and its results folder (runs/NAME unless --results-dir says
 * otherwise). Null without --run; beside --profile or --only it is refused.
 */
export function runFromFlags(values: {
  run?: string;
  profile?: string;
  only?: string;
}): { run: NamedRun; profile: NamedRun['base']; only: string[]; resultsDir: string } | null {
  if (values.run === undefined) return null;
  const run = findRun(values.run);
  for (const flag of ['profile', 'only'] as const) {
    if (values[flag] !== undefined)
      throw new UserError(`--run ${run.name} sets the profile (${run.base}) and the experiment (${run.experiment}); leave out --${flag}`);
  }
  return { run, profile: run.base, only: [run.experiment], resultsDir: `runs/${run.name}` };
}

export function findRun(name: string): NamedRun {
  const run = NAMED_RUNS.find((r) => r.name === name);
  if (!run) throw new UserError(`unknown run "${name}" (known: ${NAMED_RUNS.map((r) => r.name).join(', ')})`);
  return run;
}
