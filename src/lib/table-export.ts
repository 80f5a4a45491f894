// The artifact's tables as downloads: every tidy table the charts draw from,
// and the derived tables some charts draw instead (the official three-class
// confusion, the width sweep's points), as CSV and as JSON, one file each at
// /data/<profile>/<experiment>/<table>.<csv|json>. A chart links to the files
// of the tables it reads.
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { officialConfusionRows } from '../../experiments/analysis/op-confusion.ts';
import { sweepPoints } from '../../experiments/analysis/width-sweep.ts';
import { siteUrl } from './urls.ts';

type Row = Record<string, unknown>;

// Every chart's figure asks which tables exist: the derived ones are computed once per artifact, not per figure.
const computed = new WeakMap<object, Map<string, Row[]>>();

/** Every non-empty table of the artifact by its download name (the schema's names; derived ones hyphenated). */
export function exportedTables(artifact: Pick<ResultArtifact, 'tables'>): Map<string, Row[]> {
  const known = computed.get(artifact.tables);
  if (known) return known;
  const out = new Map<string, Row[]>();
  computed.set(artifact.tables, out);
  for (const [name, rows] of Object.entries(artifact.tables)) if (Array.isArray(rows) && rows.length > 0) out.set(name, rows as Row[]);
  const confusion = artifact.tables.confusion ?? [];
  if (confusion.length > 0) out.set('confusion-official', officialConfusionRows(confusion));
  const sweep = sweepPoints(artifact.tables);
  if (sweep.length > 0) out.set('width-sweep', sweep as unknown as Row[]);
  return out;
}

function csvCell(v: unknown): string {
  const text = Array.isArray(v) ? v.join(';') : v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV: a header of every key in order of first appearance; arrays joined with ";". */
export function toCsv(rows: Row[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const lines = [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function tableDataUrl(profile: string, experiment: string, table: string, ext: 'csv' | 'json'): string {
  return siteUrl(`data/${profile}/${experiment}/${table}.${ext}`);
}
