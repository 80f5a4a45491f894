// The class-removal metrics of docs/method.md §7.4, on confusion matrices
// normalised per true class (row = true class, column = predicted):
//
//   diff_c          = conf_c − conf_control          (confusion difference)
//   rel_change_j    = 100 · diff_c[j, j] / conf_control[j, j]
//   rel_drop_c      = −rel_change_c                  ("Relative drop [%]")
//   largest other/target = 100 · min(min_{j≠c} rel_change_j, 0) / rel_change_c
//
// The last is the worst relative drop of any other class as a percentage of
// the removed class's own drop (the paper's plot: 0–10%).

export type Matrix = number[][];

export function confusionDifference(stage: Matrix, control: Matrix): Matrix {
  return stage.map((row, i) => row.map((x, j) => x - control[i][j]));
}

/** rel_change_j for every class j, in percent; NaN where the control never got class j right. */
export function relativeChanges(stage: Matrix, control: Matrix): number[] {
  return control.map((row, j) => (row[j] > 0 ? (100 * (stage[j][j] - row[j])) / row[j] : NaN));
}

/**
 * The worst other class's relative drop as a percentage of the removed class's
 * (0 when no other class drops). NaN when the removed class did not drop at
 * all: the ratio then says nothing, and the removed-class finding reports it.
 */
export function largestOtherOverTarget(changes: number[], removed: number): number {
  const target = changes[removed];
  if (!(target < 0)) return NaN;
  const worstOther = Math.min(0, ...changes.filter((_, j) => j !== removed && !Number.isNaN(changes[j])));
  return worstOther === 0 ? 0 : (100 * worstOther) / target;
}

/** The class that gained most of the removed class's samples: argmax_{j≠c} diff_c[c, j]. */
export function whereRemovedGoes(diff: Matrix, removed: number): number {
  let best = -1;
  diff[removed].forEach((x, j) => {
    if (j !== removed && (best < 0 || x > diff[removed][best])) best = j;
  });
  return best;
}
