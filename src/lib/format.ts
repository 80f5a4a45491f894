// Number and text formatting shared by charts, tables and provenance lines,
// so the same quantity reads the same everywhere.
import type { Summary } from './stats.ts';

/** 0.9312 -> "93.1%". */
export function percent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : '–';
}

/** Mean ± std of fractions, in percent: "93.1 ± 0.4%" (no ± with one seed). */
export function percentMeanStd(s: Summary, digits = 1): string {
  if (!Number.isFinite(s.mean)) return '–';
  const mean = (s.mean * 100).toFixed(digits);
  return Number.isFinite(s.std) ? `${mean} ± ${(s.std * 100).toFixed(digits)}%` : `${mean}%`;
}

/** Mean ± std of plain numbers with a fixed number of decimals. */
export function meanStd(s: Summary, digits = 2): string {
  if (!Number.isFinite(s.mean)) return '–';
  const mean = s.mean.toFixed(digits);
  return Number.isFinite(s.std) ? `${mean} ± ${s.std.toFixed(digits)}` : mean;
}

/** Evidence values: integers as is, others with three significant digits. */
export function evidenceNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** 12345 -> "12,345". */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** Seconds as "42 s", "3.5 min" or "1.2 h". */
export function duration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * How long a run took, for the provenance lines: "wall time 45.3 min"; for an
 * artifact assembled from stages that earlier sittings computed (stage jobs,
 * resumed runs) the recorded wall time covers only the last sitting, so the
 * stages' summed compute time is given beside it.
 */
export function runTime(p: { wallSeconds: { total: number; stages: { seconds: number }[] }; machine: { workers: number } }): string {
  const compute = p.wallSeconds.stages.reduce((s, x) => s + x.seconds, 0);
  if (compute <= p.wallSeconds.total * Math.max(1, p.machine.workers) * 1.1) return `wall time ${duration(p.wallSeconds.total)}`;
  return `wall time ${duration(p.wallSeconds.total)} in its last sitting (its stages took ${duration(compute)} of compute in all, over earlier sittings)`;
}

/** A change with its sign: "+2.5", "−0.4" (a real minus), "0.0" when it rounds to zero. */
export function signed(x: number, digits = 1): string {
  const magnitude = Math.abs(x).toFixed(digits);
  return Number(magnitude) === 0 ? magnitude : `${x > 0 ? '+' : '−'}${magnitude}`;
}
