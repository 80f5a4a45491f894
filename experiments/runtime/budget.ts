// The wall-time budget of a full rerun of a profile, measured on this project's
// reference machine (2 cores, tfjs-wasm, one worker process per core). The
// runner prints it beside the measured time so a slowdown shows up in every
// build log, and the README quotes the measurement.
import type { ProfileName } from '../artifacts/schema.ts';

export const PROFILE_BUDGET_SECONDS: Record<ProfileName, number | null> = {
  ci: 120,
  // add-mul, double-add, permuted-mnist and scan (3 seeds each), cifar10 (4
  // seeds), sharing-vs-width and clip-fidelity, on 2 worker processes: 51m13s
  // measured for add-mul, double-add and scan together, 9–10 min for permuted
  // MNIST alone, 55m09s for CIFAR-10 alone, 18m10s for sharing-vs-width alone,
  // about 10 min for clip-fidelity (1 seed); their compute sums to about
  // 4h30m, 2h15m per worker if perfectly balanced.
  quick: 150 * 60,
  // Run in pieces of ≤ 2 h (a developer session's background run; stage jobs and
  // bundles carry what a piece finished). Core-hours, measured or estimated from
  // quick's rates: double-add 2.3 (measured: 1h09m on 2 workers), add-mul 2.1,
  // the width sweep 5.5 (1024-wide parts about 50 min each), SCAN 4 and CIFAR-10
  // 4.75 (one seed each at 25k- and 10k-step stages), clip-fidelity 1: about
  // 19.6 core-hours, 10 h on 2 cores. The guide's 8 h holds without CIFAR-10's.
  long: 10 * 3600,
  // The paper's sizes are meant for a GPU: no budget on a CPU.
  paper: null,
};

/** One line for the run summary: the budget and whether a run that did all the work kept to it. */
export function budgetLine(profile: ProfileName, wallSeconds: number, ranEverything: boolean, format: (s: number) => string): string | null {
  const budget = PROFILE_BUDGET_SECONDS[profile];
  if (budget === null) return null;
  const verdict = !ranEverything ? 'partial run, not comparable' : wallSeconds <= budget ? 'within budget' : 'OVER BUDGET';
  return `budget for a full ${profile} run on 2 cores: ${format(budget)} (${verdict})`;
}
