// Command-line parsing shared by the CLIs: strict (an unknown flag is an error),
// with one-line messages.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ProfileName } from '../artifacts/schema.ts';
import { BACKEND_CHOICES, type BackendChoice } from './backend.ts';
import { UserError } from './errors.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UserError((err as Error).message.split('\n')[0].replace(/^TypeError( \[\w+\])?: /, ''));
  }
}

export function parseIntFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UserError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return Number(value);
}

/** Runs a CLI's main: a UserError prints one line and exits 2; anything else is a bug (stack, exit 1). */
export function runCli(main: () => Promise<number>): void {
  main().then((code) => process.exit(code), (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

export function parseProfile(value: string | undefined): ProfileName {
  const profile = value ?? 'quick';
  if (profile !== 'ci' && profile !== 'quick' && profile !== 'paper') throw new UserError(`unknown profile "${profile}" (expected ci, quick or paper)`);
  return profile;
}

export function parseBackend(value: string | undefined): BackendChoice {
  const backend = (value ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(backend)) throw new UserError(`unknown backend "${backend}" (expected ${BACKEND_CHOICES.join(', ')})`);
  return backend;
}

/** A comma-separated --only list, or null for all. */
export function parseList(value: string | undefined): string[] | null {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : null;
}
