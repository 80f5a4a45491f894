// The runner starts the dearest jobs first, by their declared cost in
// arithmetic-MLP steps; a CIFAR-10 seed (about 23 min at quick) must rank above
// an add-mul seed (about 7 min) and the sweep's widest jobs above its narrow ones.
import { describe, expect, it } from 'vitest';
import { jobsOf } from '../../experiments/runtime/jobs.ts';
import { estimateJobSeconds, measuredRate, REFERENCE_SECONDS_PER_COST } from '../../experiments/runtime/run-estimate.ts';
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

describe('the estimate a long run is confirmed with', () => {
  const job = (experiment: string, cost: number) => ({
    id: `${experiment}#${cost}`,
    experiment,
    profile: 'quick' as const,
    seed: 1,
    part: null,
    outFile: '',
    cost,
  });
  it('uses the rate the previous artifact measured, else the reference rate, shared by the workers', () => {
    const config = addMul.profiles.quick;
    const cost = jobsOf(addMul, config).reduce((a, j) => a + j.cost, 0);
    const previous = { provenance: { config, wallSeconds: { stages: [{ seconds: 600 }, { seconds: 600 }] } } } as never;
    const rate = measuredRate(addMul, previous)!;
    expect(rate).toBeCloseTo(1200 / cost, 12);
    expect(measuredRate(addMul, null)).toBeNull();
    const jobs = [job('add-mul', 1000), job('add-mul', 1000), job('scan', 500)];
    const rates = new Map([
      ['add-mul', rate],
      ['scan', null],
    ]);
    expect(estimateJobSeconds(jobs, rates, 2)).toBeCloseTo((2000 * rate + 500 * REFERENCE_SECONDS_PER_COST) / 2, 9);
    expect(estimateJobSeconds(jobs, rates, 0)).toBeCloseTo(2000 * rate + 500 * REFERENCE_SECONDS_PER_COST, 9);
  });
});
