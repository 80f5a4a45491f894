// The wall time of an experiment's jobs as the union of their spans, and the
// span's round trip through the job file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busySeconds } from '../../experiments/runtime/busy-time.ts';
import { readJobResult, writeJobResult } from '../../experiments/runtime/jobs.ts';
import type { SeedOutput } from '../../experiments/tasks/experiment.ts';

const span = (startS: number, endS: number) => ({ startedAtMs: startS * 1000, finishedAtMs: endS * 1000 });

describe('busySeconds', () => {
  it('counts overlapping jobs (two workers) once', () => {
    expect(busySeconds([span(0, 100), span(0, 90), span(100, 180), span(90, 200)])).toBe(200);
  });

  it('does not count the gap between two runs', () => {
    expect(busySeconds([span(0, 50), span(10, 60), span(1000, 1030)])).toBe(90);
  });

  it('is order-independent and 0 for no jobs', () => {
    expect(busySeconds([span(100, 180), span(0, 100)])).toBe(180);
    expect(busySeconds([])).toBe(0);
  });
});

describe('job files', () => {
  const output: SeedOutput = { seed: 1, pretrain: [], accuracy: [], weightsKept: [], overlap: [], confusion: [], histograms: [], masks: [], stages: [] };
  const backend = { name: 'cpu', package: '@tensorflow/tfjs-core', kernels: 'js', simd: false, skipped: [] } as never;

  it('keep the span they were written with, and read files without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    writeJobResult(join(dir, 'a.json'), { backend, output, span: span(5, 7) });
    expect(readJobResult(join(dir, 'a.json'))!.span).toEqual(span(5, 7));
    writeJobResult(join(dir, 'b.json'), { backend, output });
    expect(readJobResult(join(dir, 'b.json'))!.span).toBeUndefined();
  });
});
