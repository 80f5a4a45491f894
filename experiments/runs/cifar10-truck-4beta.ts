// The second diagnostic behind CIFAR-10's quick "drops" verdicts: quick's
// 500-step stages at 4× quick's β (a stronger push to drop weights) instead of
// longer stages. Seed 1, truck removed.
import { cifar10 } from '../tasks/cifar10.ts';
import { namedRun } from './named-run.ts';

const quickBeta = cifar10.profiles.quick.mask.beta;

export default namedRun(cifar10, {
  name: 'cifar10-truck-4beta',
  base: 'quick',
  purpose: `Can a larger β do in 500 steps what longer stages do? Seed 1, truck removed, β ${4 * quickBeta} (4× quick's). The first, unnamed diagnostic measured a truck drop of 28% and largest other / target 22% (against 59% and 17% with 1,500-step stages).`,
  patch: { seeds: [1], removed: [9], mask: { beta: 4 * quickBeta } },
});
