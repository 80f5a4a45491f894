// The wall time an experiment's jobs took: the length of the union of their
// [start, end] intervals. Job files record their own interval, so an artifact
// assembled from cached jobs (a killed build resumed, or findings code changed
// after a run) reports the time the computation really took rather than the
// few seconds of the reassembly; gaps between two runs are not counted.

export interface Span {
  /** Epoch milliseconds. */
  startedAtMs: number;
  finishedAtMs: number;
}

export function busySeconds(spans: Span[]): number {
  const sorted = [...spans].sort((a, b) => a.startedAtMs - b.startedAtMs);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const s of sorted) {
    if (s.startedAtMs > end) {
      if (end > start) total += end - start;
      start = s.startedAtMs;
      end = s.finishedAtMs;
    } else {
      end = Math.max(end, s.finishedAtMs);
    }
  }
  if (end > start) total += end - start;
  return total / 1000;
}
