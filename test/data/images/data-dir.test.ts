// Resolving the data directory: flag, then MODULARITY_DATA_DIR, then ./data.
import { describe, expect, it } from 'vitest';
import { datasetMissingError, describeDataDir, resolveDataDir } from '../../../experiments/data/images/data-dir.ts';
import { UserError } from '../../../experiments/runtime/errors.ts';

describe('data directory', () => {
  it('takes the flag, then the environment, then ./data, relative to the working directory', () => {
    expect(resolveDataDir('d1', { MODULARITY_DATA_DIR: '/env' }, '/work')).toEqual({ dir: '/work/d1', from: 'flag' });
    expect(resolveDataDir(undefined, { MODULARITY_DATA_DIR: '/env' }, '/work')).toEqual({ dir: '/env', from: 'env' });
    expect(resolveDataDir('', { MODULARITY_DATA_DIR: '' }, '/work')).toEqual({ dir: '/work/data', from: 'default' });
    expect(describeDataDir({ dir: '/env', from: 'env' })).toBe('/env (from MODULARITY_DATA_DIR)');
  });

  it('says in one line what was missing and where it was looked for', () => {
    const err = datasetMissingError('MNIST', ['/a/mnist', '/a'], 'run with downloads on');
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('MNIST not found: looked for /a/mnist, /a; run with downloads on');
  });
});
