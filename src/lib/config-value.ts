// One value of an artifact's resolved configuration, by dotted path
// ("model.hidden", "seeds.length"), formatted for prose. Write-ups quote the
// configuration through this, so their text follows the run instead of
// restating numbers that go stale.
import { count } from './format.ts';

/** The value at `path`, or undefined where the path does not exist. */
export function configValue(config: Record<string, unknown>, path: string): unknown {
  let at: unknown = config;
  for (const key of path.split('.')) {
    if (at === null || at === undefined || (typeof at !== 'object' && typeof at !== 'string')) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Integers with thousands separators, small or fractional numbers as written, lists joined, null as `nullText`. */
export function formatConfigValue(value: unknown, nullText = 'none'): string {
  if (value === null) return nullText;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 1000 ? count(value) : String(value);
  if (Array.isArray(value)) return value.map((v) => formatConfigValue(v, nullText)).join(', ');
  if (typeof value === 'object' && value !== undefined) return JSON.stringify(value);
  return String(value);
}
