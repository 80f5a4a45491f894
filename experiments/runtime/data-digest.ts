// The data part of the cache key: a digest of the data an experiment actually
// reads, not a version string. Experiments that generate their data hash the
// generator's declared version (the generator itself is code, which the
// numerics fingerprint covers); those that read a real dataset hash the files
// they would read from the data directory (uncompressed, so a gzipped and a
// plain copy of the same files agree). Pointing --data-dir at other data
// therefore makes the artifact stale, and a resumed run cannot mix seeds
// trained on two datasets (the job cache is keyed by the same key).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { filesUnder } from '../artifacts/files-under.ts';
import { findCifar10 } from '../data/images/cifar10.ts';
import { MNIST_FILES } from '../data/images/checksums.ts';
import { readMaybeGzipped } from '../data/images/gzip.ts';
import { findMnistDir, mnistFile } from '../data/images/mnist.ts';
import { DATASETS_OF } from './datasets.ts';

export interface DataDigest {
  digest: string;
  /** What was hashed, in words (for messages and provenance). */
  what: string;
}

function hashFiles(base: string, files: string[], read: (f: string) => Uint8Array): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(base, f)).update('\0').update(read(f)).update('\0');
  }
  return h.digest('hex');
}

/**
 * The digest of the experiment's data; null when it reads a dataset that the
 * data directory does not hold (then freshness cannot be judged on data, and
 * the caller says so).
 */
export function dataDigestOf(experimentId: string, dataVersion: string, dataDir: string): DataDigest | null {
  const datasets = DATASETS_OF[experimentId] ?? [];
  if (datasets.length === 0) {
    return { digest: createHash('sha256').update(`generated:${dataVersion}`).digest('hex'), what: `generated (${dataVersion})` };
  }
  const parts: DataDigest[] = [];
  for (const name of datasets) {
    if (name === 'mnist') {
      const dir = findMnistDir(dataDir);
      if (!dir) return null;
      const files = Object.values(MNIST_FILES)
        .map((f) => mnistFile(dir, f)!)
        .sort();
      parts.push({
        digest: hashFiles(
          dir,
          files.map((f) => f.replace(/\.gz$/, '')),
          (f) => readMaybeGzipped(files.find((p) => p.replace(/\.gz$/, '') === f)!),
        ),
        what: `MNIST files in ${dir}`,
      });
    } else {
      const found = findCifar10(dataDir, 'auto');
      if (!found) return null;
      const files = filesUnder(found.path);
      parts.push({ digest: hashFiles(found.path, files, (f) => readFileSync(f)), what: `CIFAR-10 ${found.choice} copy at ${found.path}` });
    }
  }
  if (parts.length === 1) return parts[0];
  return {
    digest: createHash('sha256')
      .update(parts.map((p) => p.digest).join(':'))
      .digest('hex'),
    what: parts.map((p) => p.what).join('; '),
  };
}
