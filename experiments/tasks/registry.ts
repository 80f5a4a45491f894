// Every experiment the runner knows, in the order the site lists them.
import { UserError } from '../runtime/errors.ts';
import { addMul } from './add-mul.ts';
import { cifar10 } from './cifar10.ts';
import { doubleAdd } from './double-add.ts';
import type { AnyExperiment } from './experiment.ts';
import { permutedMnist } from './permuted-mnist.ts';
import { scan } from './scan.ts';

export const EXPERIMENTS: AnyExperiment[] = [addMul, doubleAdd, permutedMnist, scan, cifar10];

export function findExperiment(id: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.id === id);
  if (!e) throw new UserError(`unknown experiment "${id}" (known: ${EXPERIMENTS.map((x) => x.id).join(', ')})`);
  return e;
}
