// npm run data -- status | download mnist|cifar10|all [--data-dir DIR]
// Shows which real datasets the data directory holds (and which variant), or
// downloads the official files into it, checksummed and resumable.
import { DATA_DIR_ENV, describeDataDir, resolveDataDir } from '../data/images/data-dir.ts';
import { findCifar10 } from '../data/images/cifar10.ts';
import { imageCacheDir } from '../data/images/cifar10-data.ts';
import { findMnistDir } from '../data/images/mnist.ts';
import { parseFlags, runCli } from '../runtime/cli-args.ts';
import { ensureDatasets, type DatasetName } from '../runtime/datasets.ts';
import { UserError } from '../runtime/errors.ts';

const HELP = `usage: npm run data -- status [--data-dir DIR]
       npm run data -- download mnist|cifar10|all [--data-dir DIR]

The data directory: --data-dir, else $${DATA_DIR_ENV}, else ./data.
  status    what the directory holds
  download  fetch the official files (MNIST IDX from its S3 copy or Google's mirror;
            the CIFAR-10 binary tarball from its author's page), MD5-checked, resumable`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === '--help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  const { values, positionals: positional } = parseFlags(rest, { 'data-dir': { type: 'string' } }, true);
  const dataDir = resolveDataDir(values['data-dir'], process.env, process.cwd());
  if (command === 'status') {
    if (positional.length > 0) throw new UserError(`status takes no arguments, got "${positional.join(' ')}"`);
    const lookedFor: string[] = [];
    const cifar = findCifar10(dataDir.dir, 'auto', lookedFor);
    process.stdout.write(
      `data directory: ${describeDataDir(dataDir)}\n  MNIST:    ${findMnistDir(dataDir.dir) ?? 'missing'}\n  CIFAR-10: ${cifar ? JSON.stringify(cifar) : 'missing'}\n`,
    );
    return 0;
  }
  if (command !== 'download') throw new UserError(`unknown command "${command}" (expected status or download)`);
  const which = positional[0];
  const names: DatasetName[] = which === 'all' ? ['mnist', 'cifar10'] : which === 'mnist' || which === 'cifar10' ? [which] : [];
  if (names.length === 0 || positional.length > 1)
    throw new UserError(`download takes one of mnist, cifar10, all${which ? `, got "${positional.join(' ')}"` : ''}`);
  let lastShown = 0;
  await ensureDatasets(names, {
    dataDir,
    download: true,
    fetch: globalThis.fetch,
    imageCacheDir: imageCacheDir(process.env, process.cwd()),
    log: (line) => process.stdout.write(`${line}\n`),
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastShown > 1000) {
        lastShown = now;
        const mb = (b: number) => (b / 1e6).toFixed(1);
        process.stderr.write(`  ${p.file}: ${mb(p.received)}${p.total ? ` / ${mb(p.total)}` : ''} MB\n`);
      }
    },
  });
  return 0;
}

runCli(main);
