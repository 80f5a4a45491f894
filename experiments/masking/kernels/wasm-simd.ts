// The fast kernels: mask-kernels.as.ts compiled to WebAssembly with SIMD. The
// module imports the tfjs-wasm backend's own memory, so it works on tensors in
// place, by address: no copies between JS and the heap.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heapMemory, wasmMemoryOf, type HeapMemory } from '../../runtime/heap.ts';
import { HeapKernelsBase } from './heap-kernels-base.ts';
import type { AdamHyper, AdamSlots, Kernels, MaskSample, Slot } from './types.ts';

export const KERNELS_WASM_PATH = fileURLToPath(new URL('./mask-kernels.wasm', import.meta.url));

interface MaskKernelExports {
  sigmoid(n: number, logits: number, probs: number): void;
  sampleMask(rows: number, cols: number, probs: number, weights: number, masked: number, maskedT: number, factor: number, seed: number): void;
  accumulateProduct(n: number, grad: number, factor: number, acc: number): void;
  accumulateMask(n: number, grad: number, probs: number, seed: number, acc: number): void;
  sumSquares(n: number, grad: number, shift: number): number;
  adam(
    n: number,
    param: number,
    grad: number,
    m: number,
    v: number,
    lr: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    eps: number,
    shift: number,
    scale: number,
  ): void;
  transpose(rows: number, cols: number, src: number, dst: number): void;
}

export function createWasmSimdKernels(): Kernels {
  const mem = heapMemory();
  if (!mem || mem.backend !== 'wasm') throw new Error('wasm-simd kernels need the tfjs wasm backend');
  const module = new WebAssembly.Module(readFileSync(KERNELS_WASM_PATH));
  const instance = new WebAssembly.Instance(module, { env: { memory: wasmMemoryOf(tf.backend()) } });
  return new WasmSimdKernels(mem, instance.exports as unknown as MaskKernelExports);
}

class WasmSimdKernels extends HeapKernelsBase implements Kernels {
  readonly name = 'wasm-simd' as const;
  constructor(
    mem: HeapMemory,
    private readonly k: MaskKernelExports,
  ) {
    super(mem);
  }

  private at(t: tf.TensorInfo): number {
    return this.mem.address(t);
  }

  sigmoid(logits: tf.Tensor): tf.Tensor {
    const out = this.mem.alloc(logits.shape);
    this.k.sigmoid(logits.size, this.at(logits), this.at(out));
    return out;
  }

  sampleMask(probs: tf.Tensor, weights: tf.Tensor, seed: number): MaskSample {
    const [rows, cols] = weights.shape;
    const masked = this.mem.alloc([rows, cols]);
    const maskedT = this.mem.alloc([cols, rows]);
    const factor = this.mem.alloc([rows, cols]);
    this.k.sampleMask(rows, cols, this.at(probs), this.at(weights), this.at(masked), this.at(maskedT), this.at(factor), seed | 0);
    return { masked, maskedT, factor };
  }

  accumulateProduct(acc: Slot, grad: tf.Tensor, factor: tf.Tensor): void {
    this.k.accumulateProduct(grad.size, this.at(grad), this.at(factor), this.at(acc.t));
  }

  accumulateMask(acc: Slot, grad: tf.Tensor, probs: tf.Tensor, seed: number): void {
    this.k.accumulateMask(grad.size, this.at(grad), this.at(probs), seed | 0, this.at(acc.t));
  }

  sumSquares(grad: tf.Tensor, shift: number): number {
    return this.k.sumSquares(grad.size, this.at(grad), shift);
  }

  adam(state: AdamSlots, grad: tf.Tensor, h: AdamHyper, shift: number, scale: number): void {
    state.step += 1;
    const c1 = 1 - h.beta1 ** state.step;
    const c2 = 1 - h.beta2 ** state.step;
    this.k.adam(grad.size, this.at(state.param.t), this.at(grad), this.at(state.m.t), this.at(state.v.t), h.lr, h.beta1, h.beta2, c1, c2, h.eps, shift, scale);
  }

  transpose(src: tf.Tensor): tf.Tensor {
    const [rows, cols] = src.shape;
    const dst = this.mem.alloc([cols, rows]);
    this.k.transpose(rows, cols, this.at(src), this.at(dst));
    return dst;
  }
}
