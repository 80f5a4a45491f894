// Command-line parsing shared by the CLIs: strict (an unknown flag is an error),
// with one-line messages.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
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
