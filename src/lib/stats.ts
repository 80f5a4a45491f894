// Small aggregation helpers over the artifact's tidy tables. Every chart and
// table is "filter rows, group by some keys, take mean ± std over seeds", so the
// grouping lives here once.
import { mean, sampleStd } from '../../experiments/analysis/stats.ts';

/** Distinct values of `key(row)` in order of first appearance (the writer's order). */
export function orderOfAppearance<T>(rows: readonly T[], key: (row: T) => string): string[] {
  const seen = new Set<string>();
  for (const row of rows) seen.add(key(row));
  return [...seen];
}

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1), as the paper's stat tracker; NaN when n < 2. */
  std: number;
  n: number;
  values: number[];
}

export function summarise(values: readonly number[]): Summary {
  const copy = [...values];
  // The same statistics the experiments' findings use; no spread from one seed.
  return { mean: mean(copy), std: copy.length < 2 ? NaN : sampleStd(copy), n: copy.length, values: copy };
}

/**
 * Groups rows by the listed keys (in order of first appearance) and summarises
 * `value` within each group. Returns one record per group with the key values.
 */
export function groupSummary<T, K extends keyof T & string>(rows: readonly T[], keys: readonly K[], value: (row: T) => number): Array<Pick<T, K> & Summary> {
  const groups = new Map<string, { key: Pick<T, K>; values: number[] }>();
  for (const row of rows) {
    const id = JSON.stringify(keys.map((k) => row[k]));
    let group = groups.get(id);
    if (!group) {
      const key = {} as Pick<T, K>;
      for (const k of keys) key[k] = row[k];
      group = { key, values: [] };
      groups.set(id, group);
    }
    group.values.push(value(row));
  }
  return [...groups.values()].map(({ key, values }) => ({ ...key, ...summarise(values) }));
}
