// The class-removal metrics (docs/method.md §7.4) on hand-made confusion matrices.
import { describe, expect, it } from 'vitest';
import { confusionDifference, largestOtherOverTarget, relativeChanges, whereRemovedGoes } from '../../experiments/analysis/class-removal.ts';
import { spreadPick } from '../../experiments/tasks/cifar10.ts';

const control = [
  [0.8, 0.1, 0.1],
  [0.2, 0.5, 0.3],
  [0.0, 0.0, 1.0],
];
// Class 0 removed: its accuracy falls from 0.8 to 0.2, most of it to class 2; class 1 falls from 0.5 to 0.45.
const stage = [
  [0.2, 0.2, 0.6],
  [0.2, 0.45, 0.35],
  [0.0, 0.0, 1.0],
];

describe('class-removal metrics', () => {
  it('relative change per class is 100 · diff[j,j] / control[j,j]', () => {
    const r = relativeChanges(stage, control);
    expect(r[0]).toBeCloseTo(-75, 10);
    expect(r[1]).toBeCloseTo(-10, 10);
    expect(r[2]).toBeCloseTo(0, 10);
  });

  it('largest other / target is the worst other drop as a share of the target drop', () => {
    expect(largestOtherOverTarget(relativeChanges(stage, control), 0)).toBeCloseTo((100 * 10) / 75, 10);
  });

  it('other classes that improve count as 0, not as a negative share', () => {
    expect(largestOtherOverTarget([-50, 20, 5], 0)).toBe(0);
  });

  it('is NaN when the removed class did not drop, and skips classes the control never got right', () => {
    expect(largestOtherOverTarget([3, -1, 0], 0)).toBeNaN();
    expect(largestOtherOverTarget([-40, NaN, -4], 0)).toBeCloseTo(10, 10);
    expect(
      relativeChanges(
        [
          [0, 1],
          [0, 1],
        ],
        [
          [0, 1],
          [0, 1],
        ],
      )[0],
    ).toBeNaN();
  });

  it('the removed class goes where the difference of its row is largest', () => {
    const diff = confusionDifference(stage, control);
    expect(diff[0][2]).toBeCloseTo(0.5, 10);
    expect(whereRemovedGoes(diff, 0)).toBe(2);
  });
});

describe('the CIFAR-10 curve images', () => {
  it('are spread evenly over a class-sorted list, so every class is in them', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100)); // ten classes, sorted
    const picked = spreadPick(
      Int32Array.from({ length: 1000 }, (_, i) => i),
      50,
    );
    expect(picked.length).toBe(50);
    expect(new Set(Array.from(picked, (i) => labels[i])).size).toBe(10);
    expect(Array.from(picked.slice(0, 3))).toEqual([0, 20, 40]);
    expect(spreadPick(Int32Array.from([5, 6]), 10)).toEqual(Int32Array.from([5, 6]));
  });
});
