// Artifacts: cache keys say why they are stale; malformed files give one-line
// errors; a failed write leaves the previous artifact untouched.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifact } from '../../experiments/artifacts/store.ts';
import { cacheKeyOf, canonicalJson, codeFilesOf, staleness } from '../../experiments/runtime/cache-key.ts';
import { replaceDirectory, writeFileAtomic } from '../../experiments/runtime/atomic-write.ts';
import { UserError } from '../../experiments/runtime/errors.ts';
import { decodeSeedOutput, encodeSeedOutput } from '../../experiments/artifacts/seed-output-codec.ts';

const ROOT = join(import.meta.dirname, '../../experiments');

describe('cache keys', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });

  it('change with config, numerics, data and environment, and name the reason', () => {
    const current = { config: 'c'.repeat(64), numerics: 'n'.repeat(64), data: 'd'.repeat(64), environment: 'wasm+wasm-simd@tfjs-4.22.0', code: 'x'.repeat(64) };
    const k1 = cacheKeyOf(current);
    expect(staleness(k1, current)).toBeNull();
    expect(staleness(k1, { ...current, code: 'y'.repeat(64) })).toBeNull(); // code text alone: not stale
    expect(staleness(k1, { ...current, config: 'C'.repeat(64) })).toBe('config changed');
    expect(staleness(k1, { ...current, numerics: 'N'.repeat(64) })).toMatch(/^numerics changed/);
    expect(staleness(k1, { ...current, data: 'D'.repeat(64) })).toMatch(/^data changed/);
    expect(staleness(k1, { ...current, environment: 'cpu+js@tfjs-4.22.0' })).toMatch(/^environment changed \(wasm\+wasm-simd@tfjs-4\.22\.0 → cpu\+js/);
    // A part that could not be taken (no dataset at hand) is not judged.
    expect(staleness(k1, { ...current, numerics: null, data: null })).toBeNull();
    expect(staleness(null, current)).toBe('no artifact yet');
    expect(cacheKeyOf({ ...current, code: 'y'.repeat(64) }).key).toBe(k1.key);
    expect(cacheKeyOf({ ...current, data: 'D'.repeat(64) }).key).not.toBe(k1.key);
  });

  it("follow the experiment's imports: the method, the model, its own file and data; not other experiments or the runner", () => {
    const files = codeFilesOf(ROOT, 'add-mul');
    expect(files).toContain('masking/train-mask-stage.ts');
    expect(files).toContain('masking/kernels/mask-kernels.wasm');
    expect(files).toContain('tasks/add-mul.ts');
    expect(files).not.toContain('tasks/double-add.ts');
    expect(files).toContain('artifacts/assemble.ts');
    expect(files).toContain('artifacts/mask-pictures.ts');
    expect(files).not.toContain('runtime/progress.ts');
    expect(files).not.toContain('data/double-add-data.ts');
  });
});

describe('artifact files', () => {
  it('a malformed artifact is a one-line user error naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'art-'));
    mkdirSync(join(dir, 'quick', 'add-mul'), { recursive: true });
    writeFileSync(join(dir, 'quick', 'add-mul', 'result.json'), '{"schemaVersion": 2}');
    expect(() => readArtifact(dir, 'quick', 'add-mul')).toThrow(UserError);
    try {
      readArtifact(dir, 'quick', 'add-mul');
    } catch (e) {
      expect((e as Error).message).toMatch(/^malformed artifact .*result\.json: \w+/);
      expect((e as Error).message).not.toContain('\n');
    }
    writeFileSync(join(dir, 'quick', 'add-mul', 'result.json'), '{not json');
    expect(() => readArtifact(dir, 'quick', 'add-mul')).toThrow(/not JSON/);
    expect(readArtifact(dir, 'quick', 'double-add')).toBeNull();
  });

  it('a failed directory replacement leaves the old content, with no leftovers', () => {
    const parent = mkdtempSync(join(tmpdir(), 'dir-'));
    const target = join(parent, 'exp');
    replaceDirectory(target, (s) => writeFileSync(join(s, 'a.txt'), 'old'));
    expect(() =>
      replaceDirectory(target, (s) => {
        writeFileSync(join(s, 'a.txt'), 'half');
        throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('old');
    expect(readdirSync(parent)).toEqual(['exp']);
    replaceDirectory(target, (s) => writeFileSync(join(s, 'b.txt'), 'new'));
    expect(existsSync(join(target, 'a.txt'))).toBe(false);
    expect(readFileSync(join(target, 'b.txt'), 'utf8')).toBe('new');
  });

  it('atomic file writes leave no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    writeFileAtomic(join(dir, 'x.json'), '1');
    writeFileAtomic(join(dir, 'x.json'), '2');
    expect(readdirSync(dir)).toEqual(['x.json']);
    expect(readFileSync(join(dir, 'x.json'), 'utf8')).toBe('2');
  });

  it('seed outputs round-trip through the job cache codec', () => {
    const out = {
      seed: 3,
      pretrain: [],
      accuracy: [],
      weightsKept: [],
      overlap: [],
      confusion: [],
      histograms: [{ mask: 'a', counts: [1, 2] }],
      masks: [{ variant: 'normal', mask: 'a', layer: 'layer1', shape: [2, 3], packed: Uint8Array.from([5, 255]), kept: 4 }],
      stages: [],
    };
    const back = decodeSeedOutput(encodeSeedOutput(out));
    expect(back).toEqual(out);
    expect(back.masks[0].packed).toBeInstanceOf(Uint8Array);
  });
});
