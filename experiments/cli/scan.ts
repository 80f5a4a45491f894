// npm run scan -- export --split simple|length|jump|turn_left --part train|test [--scan-dir DIR] [--seed N]
// Prints the split in the official line format (`IN: <command> OUT: <actions>`),
// one example per line, to stdout and nothing else. Without --scan-dir the
// split is generated from the grammar by its rules; with it, the official
// files in DIR are read instead.
import { loadOfficialSplit } from '../data/scan/official-files.ts';
import { formatScanLine } from '../data/scan/scan-format.ts';
import { SCAN_PARTS, SCAN_SPLITS, scanSplit, type ScanPart, type ScanSplit } from '../data/scan/splits.ts';
import { parseFlags, parseIntFlag, runCli } from '../runtime/cli-args.ts';
import { UserError } from '../runtime/errors.ts';

const HELP = `usage: npm run scan -- export --split ${SCAN_SPLITS.join('|')} --part ${SCAN_PARTS.join('|')} [--scan-dir DIR] [--seed N]

Prints one SCAN split in the official format, one "IN: … OUT: …" line per example.
  --scan-dir DIR  read the official files (layout of github.com/brendenlake/SCAN) instead of generating
  --seed N        seed of the generated random splits (simple, and the order of jump/turn_left train); default 1`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === '--help' || command === undefined) {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'export') throw new UserError(`unknown command "${command}" (expected export)`);
  const { values } = parseFlags(rest, { split: { type: 'string' }, part: { type: 'string' }, 'scan-dir': { type: 'string' }, seed: { type: 'string' } });
  const split = values.split as ScanSplit;
  const part = values.part as ScanPart;
  if (!SCAN_SPLITS.includes(split)) throw new UserError(`--split must be one of ${SCAN_SPLITS.join(', ')}${values.split ? `, got "${values.split}"` : ''}`);
  if (!SCAN_PARTS.includes(part)) throw new UserError(`--part must be train or test${values.part ? `, got "${values.part}"` : ''}`);
  const data = values['scan-dir'] ? loadOfficialSplit(values['scan-dir'], split) : scanSplit(split, parseIntFlag('seed', values.seed, 1, 0));
  // A reader that stops early (| head) closes the pipe: not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  // Pipes and files are written synchronously on Linux; the callback makes sure of it elsewhere.
  await new Promise<void>((resolve) => process.stdout.write(`${data[part].map(formatScanLine).join('\n')}\n`, () => resolve()));
  return 0;
}

runCli(main);
