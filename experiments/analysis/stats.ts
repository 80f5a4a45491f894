// Summary statistics over seeds. The spread is the sample standard deviation
// (n − 1), as in the paper's plotting code.

export function mean(xs: number[]): number {
  if (xs.length === 0) return NaN;
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

export function sampleStd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Values of `pick` over rows matching `where`; throws when none match (a finding must not read nothing). */
export function select<R>(rows: R[], where: Partial<R>, pick: (r: R) => number): number[] {
  const keys = Object.keys(where) as (keyof R)[];
  const out = rows.filter((r) => keys.every((k) => r[k] === where[k])).map(pick);
  if (out.length === 0) throw new Error(`no rows match ${JSON.stringify(where)}`);
  return out;
}
