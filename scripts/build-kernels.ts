// Compiles the AssemblyScript kernels to WebAssembly. The .wasm files are
// committed (so users need no compiler step); test/masking/kernel-build.test.ts
// fails when one is out of date with its source.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../experiments/runtime/atomic-write.ts';

export const KERNEL_MODULES = [
  { source: 'experiments/masking/kernels/mask-kernels.as.ts', wasm: 'experiments/masking/kernels/mask-kernels.wasm' },
  { source: 'experiments/models/kernels/lstm-pointwise.as.ts', wasm: 'experiments/models/kernels/lstm-pointwise.wasm' },
  { source: 'experiments/models/kernels/conv-moves.as.ts', wasm: 'experiments/models/kernels/conv-moves.wasm' },
  { source: 'experiments/models/kernels/plain-matmul.as.ts', wasm: 'experiments/models/kernels/plain-matmul.wasm' },
];

/** Whether a wasm binary has a data section (id 11): it would be written into the tfjs heap at instantiation. */
export function hasDataSection(bytes: Uint8Array): boolean {
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0,
      shift = 0,
      b: number;
    do {
      b = bytes[at++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (id === 11 && size > 1) return true;
    at += size;
  }
  return false;
}

/** Compiles one module and returns its bytes (writes only `outFile`). */
export function compileKernel(source: string, outFile: string): Uint8Array {
  execFileSync('npx', ['asc', source, '--enable', 'simd', '--importMemory', '--runtime', 'stub', '-O3', '--noAssert', '--outFile', outFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const bytes = new Uint8Array(readFileSync(outFile));
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  if (imports.length !== 1 || imports[0].kind !== 'memory') throw new Error(`${source}: a kernel module must import only memory`);
  if (hasDataSection(bytes)) throw new Error(`${source}: a kernel module must have no data segment (it would overwrite the tfjs heap)`);
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const m of KERNEL_MODULES) {
    const tmp = `${m.wasm}.build`;
    const bytes = compileKernel(m.source, tmp);
    rmSync(tmp, { force: true });
    writeFileAtomic(m.wasm, bytes);
    console.log(`wrote ${m.wasm} (${bytes.length} bytes)`);
  }
}
