// The runner starts the dearest jobs first, by their declared cost in
// arithmetic-MLP steps; a CIFAR-10 seed (about 23 min at quick) must rank above
// an add-mul seed (about 7 min) and the sweep's widest jobs above its narrow ones.
import { describe, expect, it } from 'vitest';
import { jobsOf } from '../../experiments/runtime/jobs.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { cifar10 } from '../../experiments/tasks/cifar10.ts';
import { scan } from '../../experiments/tasks/scan.ts';

const costOf = (jobs: { cost: number }[]) => Math.max(...jobs.map((j) => j.cost));

describe('job costs', () => {
  it('rank a CIFAR-10 seed above a SCAN masks job and an add-mul seed at quick, roughly as measured', () => {
    const cifar = costOf(jobsOf(cifar10, cifar10.profiles.quick));
    const addmul = costOf(jobsOf(addMul, addMul.profiles.quick));
    expect(cifar).toBeGreaterThan(costOf(jobsOf(scan, scan.profiles.quick)));
    expect(cifar / addmul).toBeGreaterThan(2);
    expect(cifar / addmul).toBeLessThan(6);
  });
});
