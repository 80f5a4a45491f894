// The scale issue's probe behind double addition's long-profile verdicts
// (tasks/double-add.ts): quick's 256×4 network with 8k-step mask stages (4×
// quick's), seed 1.
import { doubleAdd } from '../tasks/double-add.ts';
import { namedRun } from './named-run.ts';

export default namedRun(doubleAdd, {
  name: 'double-add-8k',
  base: 'quick',
  purpose:
    "Do the pair masks stop sharing hidden weights with longer stages? Quick's 256×4 network, 8k-step mask stages, seed 1. The scale issue's first probe measured hidden IoU .28/.48/.57 (chance .04/.03/.03), ¬Pair cells 38% and 55%, and 7.5% of the weights kept; the long profile's verdicts were declared from it.",
  patch: { seeds: [1], mask: { steps: 8000 } },
});
