// The data part of the cache key is a digest of the data actually read: other
// data in the data directory makes the artifact stale (and keys the job cache
// apart, so a resumed run cannot mix seeds trained on two datasets); the same
// files gzipped or plain digest alike; generated data digests its generator's
// version.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDigestOf } from '../../experiments/runtime/data-digest.ts';
import { cacheKeyOf, staleness } from '../../experiments/runtime/cache-key.ts';
import { digestOutputs } from '../../experiments/runtime/fingerprint.ts';
import { encodeIdx, patternBytes, removeTempDirs, tempDir } from '../data/images/formats.ts';

afterAll(removeTempDirs);

function mnistDir(seed: number, gzip: boolean): string {
  const dir = tempDir('mnist-');
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': encodeIdx([3, 28, 28], patternBytes(3 * 784, seed)),
    'train-labels-idx1-ubyte': encodeIdx([3], Uint8Array.of(1, 2, 3)),
    't10k-images-idx3-ubyte': encodeIdx([2, 28, 28], patternBytes(2 * 784, seed + 1)),
    't10k-labels-idx1-ubyte': encodeIdx([2], Uint8Array.of(4, 5)),
  };
  mkdirSync(join(dir, 'mnist'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, 'mnist', gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  return dir;
}

describe('data digest', () => {
  it('changes with the MNIST files read, not with their compression', () => {
    const a = dataDigestOf('permuted-mnist', 'v1', mnistDir(1, false))!;
    expect(dataDigestOf('permuted-mnist', 'v1', mnistDir(1, true))!.digest).toBe(a.digest);
    const other = dataDigestOf('permuted-mnist', 'v1', mnistDir(2, true))!;
    expect(other.digest).not.toBe(a.digest);
    const key = { config: 'c'.repeat(64), numerics: 'n'.repeat(64), environment: 'e', code: 'x'.repeat(64) };
    expect(staleness(cacheKeyOf({ ...key, data: a.digest }), { ...key, data: other.digest })).toMatch(/^data changed/);
  });

  it('is unknown (null) when the dataset is not in the data directory', () => {
    expect(dataDigestOf('permuted-mnist', 'v1', tempDir('empty-'))).toBeNull();
    expect(dataDigestOf('cifar10', 'v1', tempDir('empty-'))).toBeNull();
  });

  it('of generated data is its generator version', () => {
    expect(dataDigestOf('add-mul', 'add-mul-data-v1', '/nowhere')!.digest).not.toBe(dataDigestOf('add-mul', 'add-mul-data-v2', '/nowhere')!.digest);
  });
});

describe('numerics fingerprint', () => {
  const output = {
    seed: 1,
    pretrain: [{ seed: 1, variant: 'normal', evalSet: '+', accuracy: 1, steps: 10, finalLoss: 0.125 }],
    accuracy: [],
    weightsKept: [],
    overlap: [],
    confusion: [],
    histograms: [{ mask: 'control', counts: [3, 4] }],
    masks: [{ variant: 'normal', mask: 'control', layer: 'layer1', shape: [2, 4], packed: Uint8Array.of(0b1011), kept: 3 }],
    stages: [{ stage: 'pretrain', seconds: 1.5, steps: 10 }],
  };
  it('ignores wall-clock times', () => {
    expect(digestOutputs([{ ...output, stages: [{ stage: 'pretrain', seconds: 99, steps: 10 }] }])).toBe(digestOutputs([output]));
  });
  it('changes with one ulp of a loss and with one bit of a mask', () => {
    const ulp = new Float64Array([0.125]);
    new BigInt64Array(ulp.buffer)[0] += 1n;
    expect(digestOutputs([{ ...output, pretrain: [{ ...output.pretrain[0], finalLoss: ulp[0] }] }])).not.toBe(digestOutputs([output]));
    expect(digestOutputs([{ ...output, masks: [{ ...output.masks[0], packed: Uint8Array.of(0b1010) }] }])).not.toBe(digestOutputs([output]));
  });
});
