// The paper-run estimate: this run's seconds per unit of work, times the paper
// profile's work; and the experiments' work counts scale as their configs say.
import { describe, expect, it } from 'vitest';
import { estimatePaperRun, paperRunNote, paperRunSentence } from '../../experiments/analysis/work-estimate.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { doubleAdd } from '../../experiments/tasks/double-add.ts';
import { scan } from '../../experiments/tasks/scan.ts';

describe('the paper-run estimate', () => {
  it('scales the measured seconds by the ratio of work, and says so in words', () => {
    const e = estimatePaperRun(3600, 50)!;
    expect(e).toEqual({ ratio: 50, coreSeconds: 180000 });
    const note = paperRunNote(e, { profile: 'quick', paper: 'FNN 2000×4, 10 seeds', cpus: 2 });
    expect(note).toContain("paper profile (FNN 2000×4, 10 seeds): 50× this quick run's training work, about 50 core-hours on this CPU");
    expect(note).toContain('(1.0 days on its 2 cores;');
    expect(estimatePaperRun(0, 50)).toBeNull();
    // From an artifact: the ratio it keeps times the seconds of its stages.
    const provenance = { profile: 'long', machine: { cpus: 2 }, wallSeconds: { stages: [{ seconds: 1800 }, { seconds: 1800 }] } };
    expect(paperRunSentence({ provenance, paperRun: { what: 'x', workRatio: 50 } })).toBe(paperRunNote(e, { profile: 'long', paper: 'x', cpus: 2 }));
    expect(paperRunSentence({ provenance })).toBeNull();
  });

  it('work grows with seeds, steps and width as the configs say', () => {
    const q = addMul.profiles.quick;
    const base = addMul.work!(q).units;
    expect(addMul.work!({ ...q, seeds: [1, 2, 3, 4, 5, 6] }).units).toBe(2 * base);
    // Double the mask steps: the three stages' share of the work doubles, pre-training's stays.
    const masks = addMul.work!({ ...q, pretrain: { ...q.pretrain, steps: 0 } }).units;
    expect(addMul.work!({ ...q, mask: { ...q.mask, steps: 2 * q.mask.steps } }).units).toBe(base + masks);
    expect(addMul.work!(addMul.profiles.paper!).what).toBe('FNN 2000×4, 10 seeds, 20k-step mask stages');
    // Double addition's control runs both pairs' passes: more work than add/mul's three stages at the same size.
    expect(doubleAdd.work!(doubleAdd.profiles.paper!).units).toBeGreaterThan(addMul.work!(addMul.profiles.paper!).units);
    // SCAN long against quick: one seed instead of three, same network and batch; pre-training and three baselines of 4k steps, four mask stages of 25k instead of 1k.
    expect(scan.work!(scan.profiles.long!).units / scan.work!(scan.profiles.quick).units).toBeCloseTo((4 * 4000 + 4 * 25000) / (3 * (4 * 4000 + 4 * 1000)), 12);
  });
});
