// The job cache never holds a diverged result: writeJobResult refuses an output
// with a NaN or ±Infinity anywhere (one line, nothing written), readJobResult
// treats such a file (JSON writes NaN as null), or one with invalid rows, as
// absent so that the job reruns; and a job's one-line UserError comes out of
// the worker pool as that one line, not as a stack.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NonFiniteError, UserError } from '../../experiments/runtime/errors.ts';
import { readJobResult, writeJobResult, type JobResult } from '../../experiments/runtime/jobs.ts';
import { runJobsInWorkers } from '../../experiments/runtime/worker-pool.ts';
import type { SeedOutput } from '../../experiments/tasks/experiment.ts';
import { thrown } from '../helpers/thrown.ts';

const backend = { name: 'cpu', package: '@tensorflow/tfjs-core', kernels: 'js', simd: false, skipped: [] } as JobResult['backend'];

function output(): SeedOutput {
  return {
    seed: 1,
    pretrain: [{ seed: 1, variant: 'normal', evalSet: '+', accuracy: 0.9, steps: 10, finalLoss: 0.25 }],
    accuracy: [{ seed: 1, variant: 'normal', column: 'unmasked', evalSet: '+', accuracy: 0.9 }],
    weightsKept: [],
    overlap: [],
    confusion: [],
    histograms: [{ mask: 'add', counts: [3, 0, 5] }],
    masks: [{ variant: 'normal', mask: 'add', layer: 'layer1', shape: [2, 4], packed: new Uint8Array([0b10110001]), kept: 4 }],
    stages: [{ stage: 'pretrain', seconds: 1.5, steps: 10 }],
  };
}

describe('job cache', () => {
  it('writes and reads back a finite output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    writeJobResult(join(dir, 'a.json'), { backend, output: output() });
    const back = readJobResult(join(dir, 'a.json'))!;
    expect(back.output.pretrain).toEqual(output().pretrain);
    expect([...back.output.masks[0].packed]).toEqual([0b10110001]);
  });

  it.each([
    [
      'a NaN loss',
      (o: SeedOutput) => {
        o.pretrain[0].finalLoss = NaN;
      },
      'output.pretrain[0].finalLoss is NaN',
    ],
    [
      'an infinite accuracy',
      (o: SeedOutput) => {
        o.accuracy[0].accuracy = Infinity;
      },
      'output.accuracy[0].accuracy is Infinity',
    ],
    [
      'a −Infinity stage time',
      (o: SeedOutput) => {
        o.stages[0].seconds = -Infinity;
      },
      'output.stages[0].seconds is -Infinity',
    ],
  ])('refuses %s in one line and writes nothing', (_, poison, found) => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    const o = output();
    poison(o);
    const err = thrown(() => writeJobResult(join(dir, 'a.json'), { backend, output: o }));
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err.message).toBe(`not caching the job's result: ${found}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an output that breaks the schema (a bug: plain Error), writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    const o = output();
    o.accuracy[0].accuracy = 1.5;
    const err = thrown(() => writeJobResult(join(dir, 'a.json'), { backend, output: o }));
    expect(err).not.toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^not caching the job's result: output\.accuracy\.0\.accuracy: /);
    expect(err.message).not.toContain('\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads a cached file with a NaN (null in JSON), an invalid row or a missing table as absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    writeJobResult(join(dir, 'good.json'), { backend, output: output() });
    const good = JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8')) as { output: Record<string, unknown> };
    const variants: [string, (o: Record<string, unknown>) => void][] = [
      [
        'nan.json',
        (o) => {
          (o.pretrain as { finalLoss: unknown }[])[0].finalLoss = null;
        },
      ],
      [
        'range.json',
        (o) => {
          (o.accuracy as { accuracy: unknown }[])[0].accuracy = 1.5;
        },
      ],
      [
        'missing.json',
        (o) => {
          delete o.accuracy;
        },
      ],
    ];
    for (const [name, change] of variants) {
      const copy = structuredClone(good);
      change(copy.output);
      writeFileSync(join(dir, name), JSON.stringify(copy));
      expect(readJobResult(join(dir, name)), name).toBeNull();
    }
    expect(readJobResult(join(dir, 'good.json'))).not.toBeNull();
  });
});

describe('worker pool', () => {
  it("surfaces a job's UserError as its one-line message (a UserError: the CLI prints it and exits 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-'));
    const job = { id: 'nope#1', experiment: 'nope', profile: 'ci' as const, seed: 1, part: null, outFile: join(dir, 'x.json'), cost: 1 };
    const err = await runJobsInWorkers([job], 1, 'cpu', { progress: () => {}, log: () => {}, jobStarted: () => {}, jobDone: () => {} }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toMatch(/^job nope#1: unknown experiment "nope" \(known: add-mul/);
    expect(err!.message).not.toContain('\n');
  });
});
