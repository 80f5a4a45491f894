// The committed .wasm kernels are what their AssemblyScript sources compile to,
// import nothing but memory and carry no data segment.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKernel, hasDataSection, KERNEL_MODULES } from '../../scripts/build-kernels.ts';

const REPO = join(import.meta.dirname, '../..');

describe('WebAssembly kernels', () => {
  it.each(KERNEL_MODULES.map((m) => [m.wasm, m] as const))('%s is up to date with its source (npm run build:kernels)', (_, m) => {
    const out = join(mkdtempSync(join(tmpdir(), 'asc-')), 'k.wasm');
    const fresh = compileKernel(join(REPO, m.source), out);
    expect(Buffer.from(readFileSync(join(REPO, m.wasm))).equals(Buffer.from(fresh))).toBe(true);
  });

  it('detects a data section', () => {
    // magic, version, then a data section (id 11) of 3 bytes.
    expect(hasDataSection(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 11, 3, 1, 0, 0]))).toBe(true);
    expect(hasDataSection(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]))).toBe(false);
  });
});
