// One of the sizing runs behind SCAN's quick "collapse" verdicts (tasks/scan.ts):
// quick's 1,000-step stages at β 3e-3 per 64-batch (4× quick's). Seed 1.
import { scan } from '../tasks/scan.ts';
import { namedRun } from './named-run.ts';

export default namedRun(scan, {
  name: 'scan-beta-3e-3',
  base: 'quick',
  purpose:
    "Does a larger β collapse the jump test within quick's 1,000 steps, and what does that cost the i.i.d. mask? β 3e-3 (4× quick's), seed 1. The first, unnamed sizing run measured the jump test at 6.8% after the jump mask, with the i.i.d. mask at 67.8% on the i.i.d. test.",
  patch: { seeds: [1], mask: { beta: 3e-3 } },
});
