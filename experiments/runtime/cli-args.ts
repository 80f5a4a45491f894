// Command-line parsing shared by the CLIs: strict (an unknown flag is an error),
// with one-line messages.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { profileNameSchema, type ProfileName } from '../artifacts/schema.ts';
import { BACKEND_CHOICES, type BackendChoice } from './backend.ts';
import { asUserError, UserError } from './errors.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals });
  } catch (err) {
    throw new UserError((err as Error).message.split('\n')[0].replace(/^TypeError( \[\w+\])?: /, ''));
  }
}

/**
 * `--workers -1` reads, to parseArgs, as a flag without its value followed by
 * an unknown option ("argument is ambiguous"); a negative number after a
 * string option is its value, as in `--workers=-1`, so that the flag's own
 * check names it.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') && !argv[i].includes('=') ? argv[i].slice(2) : null;
    if (name && options[name]?.type === 'string' && i + 1 < argv.length && /^-\.?\d/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[++i]}`);
    } else out.push(argv[i]);
  }
  return out;
}

export function parseIntFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    const kind = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    throw new UserError(`--${name}: "${value}" is not ${kind}`);
  }
  return Number(value);
}

/** Runs a CLI's main: a UserError (or a full disk, a read-only folder) prints one line and exits 2; anything else is a bug (stack, exit 1). */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const user = asUserError(err);
      if (user) {
        process.stderr.write(`error: ${user.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

export function parseProfile(value: string | undefined): ProfileName {
  const profile = value ?? 'quick';
  const known = profileNameSchema.safeParse(profile);
  if (!known.success) throw new UserError(`unknown profile "${profile}" (expected ${profileNameSchema.options.join(', ')})`);
  return known.data;
}

export function parseBackend(value: string | undefined): BackendChoice {
  const backend = (value ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(backend)) throw new UserError(`unknown backend "${backend}" (expected ${BACKEND_CHOICES.join(', ')})`);
  return backend;
}

/** A comma-separated list (--only), or null for all when the flag is absent; empty lists and repeated names are refused. */
export function parseList(value: string | undefined, flag = '--only'): string[] | null {
  if (value === undefined) return null;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UserError(`${flag}: "${value}" names nothing (leave the flag out for all)`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError(`${flag}: "${twice}" is given twice in "${value}"`);
  return names;
}

/** `on` or `off`; null when the flag is absent; a UserError naming the value otherwise. */
export function parseOnOff(flag: string, value: string | undefined): boolean | null {
  if (value === undefined) return null;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new UserError(`${flag}: "${value}" is not on or off`);
}
