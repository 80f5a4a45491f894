// Which experiments read a real dataset, and making sure it is there before
// their jobs start: use the copy in the data directory, download the official
// files when allowed (the experiments CLI allows it unless --offline), or stop
// with one line that says where it looked. Experiments whose artifacts are
// fresh never need their data, so a fresh clone builds offline.
import type { ResolvedDataDir } from '../data/images/data-dir.ts';
import type { DownloadProgress } from '../data/images/download.ts';
import { findCifar10, loadCifar10 } from '../data/images/cifar10.ts';
import { loadMnist } from '../data/images/mnist.ts';
import { ensureCifar10, ensureMnist } from '../data/images/official-downloads.ts';
import { UserError } from './errors.ts';

export type DatasetName = 'mnist' | 'cifar10';

/** The real datasets each experiment's jobs read; the others generate their data. */
export const DATASETS_OF: Readonly<Record<string, DatasetName[]>> = {
  'permuted-mnist': ['mnist'],
  cifar10: ['cifar10'],
};

export interface DatasetOptions {
  dataDir: ResolvedDataDir;
  download: boolean;
  fetch: typeof globalThis.fetch;
  log: (line: string) => void;
  onProgress?: (p: DownloadProgress) => void;
  /** Where the CIFAR-10 JPEG copy is decoded to before the jobs start (the jobs read it synchronously). */
  imageCacheDir: string;
}

export function datasetsFor(experimentIds: string[]): DatasetName[] {
  return [...new Set(experimentIds.flatMap((id) => DATASETS_OF[id] ?? []))];
}

const HOW_TO_GET = 'give --data-dir DIR (or set MODULARITY_DATA_DIR) pointing at a copy, or run without --offline on a machine that is online';

export async function ensureDatasets(names: DatasetName[], opts: DatasetOptions): Promise<void> {
  for (const name of names) {
    const common = { download: opts.download, fetch: opts.fetch, onProgress: opts.onProgress, howToGet: HOW_TO_GET };
    try {
      if (name === 'mnist') {
        // Read and checked here (a second), so that a truncated file or a bad label stops the run with one
        // line before any job starts, instead of failing inside every worker.
        const dir = await ensureMnist(opts.dataDir.dir, common);
        opts.log(`MNIST: ${loadMnist(dir).variant} in ${dir}`);
      } else {
        await ensureCifar10(opts.dataDir.dir, 'auto', common);
        const found = findCifar10(opts.dataDir.dir, 'auto')!;
        if (found.choice === 'jpeg') {
          // The jobs read the JPEG copy only from the decoded cache: decode it once here (tens of seconds), or find it decoded.
          const d = await loadCifar10(opts.dataDir.dir, { cacheDir: opts.imageCacheDir });
          opts.log(`CIFAR-10: ${d.variant} from ${d.source}${d.fromCache ? ' (decoded earlier)' : ''}`);
        } else {
          opts.log(`CIFAR-10: ${found.choice} copy in ${found.path} (the jobs read it directly)`);
        }
      }
    } catch (err) {
      // A failed download (offline machine) says what to do instead, still on one line.
      if (err instanceof UserError && opts.download && !err.message.includes(HOW_TO_GET))
        throw new UserError(`${err.message}; or ${HOW_TO_GET.replace(', or run without --offline on a machine that is online', '')}`);
      throw err;
    }
  }
}
