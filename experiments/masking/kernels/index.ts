// Picks the kernel implementation for the active tfjs backend.
import * as tf from '@tensorflow/tfjs-core';
import { heapMemory } from '../../runtime/heap.ts';
import { createJsKernels } from './js.ts';
import { createTfOpsKernels } from './tf-ops.ts';
import type { KernelName, Kernels } from './types.ts';
import { createWasmSimdKernels } from './wasm-simd.ts';

export type { Kernels, KernelName } from './types.ts';

/** The fastest kernels for the active backend, unless `name` forces one. */
export function createKernels(name?: KernelName): Kernels {
  const mem = heapMemory();
  const wanted = name ?? (mem?.backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'wasm-simd' : mem ? 'js' : 'tf-ops');
  if (wanted === 'wasm-simd') return createWasmSimdKernels();
  if (wanted === 'js') {
    if (!mem) throw new Error(`js kernels need the wasm or cpu backend, not ${tf.getBackend()}`);
    return createJsKernels(mem);
  }
  return createTfOpsKernels();
}
