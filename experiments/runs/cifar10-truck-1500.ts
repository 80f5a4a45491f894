// The diagnostic behind CIFAR-10's quick "drops" verdicts (tasks/cifar10.ts): is
// a removal mask that drops little after quick's 500 steps only short of
// training? Seed 1, truck removed, the control and the removal mask both trained
// 1,500 steps (3× quick's), everything else as quick.
import { cifar10 } from '../tasks/cifar10.ts';
import { namedRun } from './named-run.ts';

export default namedRun(cifar10, {
  name: 'cifar10-truck-1500',
  base: 'quick',
  purpose:
    "CIFAR-10 quick's removal masks drop little after 500 steps: with 1,500-step stages (control as long), does removing truck drop truck far more than the other classes? The first, unnamed diagnostic (before this run existed) measured a truck drop of 59% and largest other / target 17%.",
  patch: { seeds: [1], removed: [9], mask: { steps: 1500 } },
});
