// One of the sizing runs behind SCAN's quick "collapse" verdicts (tasks/scan.ts):
// quick's β (7.5e-4 per 64-batch) with 2,500-step mask stages instead of 1,000.
// Seed 1; quick's from-scratch baselines come along (the findings need them).
import { scan } from '../tasks/scan.ts';
import { namedRun } from './named-run.ts';

export default namedRun(scan, {
  name: 'scan-beta-7.5e-4-2500',
  base: 'quick',
  purpose:
    "Does the jump mask collapse the jump test if quick's stages run longer, and what does that cost the i.i.d. mask? Quick's β, 2,500-step stages, seed 1. The first, unnamed sizing run (i.i.d. and jump stages only, 1,000-command test subsets) measured the jump test at 24.8% after the jump mask, with the i.i.d. mask at 70.9% on the i.i.d. test.",
  patch: { seeds: [1], mask: { steps: 2500 } },
});
