// Compiles the AssemblyScript mask kernels to WebAssembly. The .wasm is
// committed (so users need no compiler step); test/masking/kernel-build.test.ts
// fails when it is out of date with its source.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../experiments/runtime/atomic-write.ts';

export const KERNEL_SOURCE = 'experiments/masking/kernels/mask-kernels.as.ts';
export const KERNEL_WASM = 'experiments/masking/kernels/mask-kernels.wasm';

/** Compiles the kernels and returns the wasm bytes (does not write them). */
export function compileKernels(outFile: string): Uint8Array {
  execFileSync('npx', ['asc', KERNEL_SOURCE, '--enable', 'simd', '--importMemory', '--runtime', 'stub', '-O3',
    '--noAssert', '--outFile', outFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  const bytes = readFileSync(outFile);
  // A data segment would be written into the tfjs heap at instantiation.
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 1 || imports[0].kind !== 'memory') throw new Error('kernel module must import only memory');
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tmp = `${KERNEL_WASM}.build`;
  const bytes = compileKernels(tmp);
  writeFileAtomic(KERNEL_WASM, bytes);
  execFileSync('rm', ['-f', tmp]);
  console.log(`wrote ${KERNEL_WASM} (${bytes.length} bytes)`);
}
