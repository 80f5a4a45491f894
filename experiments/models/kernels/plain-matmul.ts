// 2-D matrix products and transposes for the CNN (conv2d.ts): the WebAssembly
// kernel of plain-matmul.as.ts on the tfjs-wasm heap, which reads both operands
// where they lie, or tf.matMul / tf.transpose. Both give the same bits (the
// kernel sums in XNNPACK's order), so a run's numbers do not depend on which one
// ran.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heapMemory, wasmMemoryOf } from '../../runtime/heap.ts';

export interface PlainMatMul {
  readonly name: 'wasm-simd' | 'tf';
  /** A[m, k] · B[k, n] → [m, n]. */
  matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** X[m, n] → Xᵀ [n, m]. */
  transpose(x: tf.Tensor): tf.Tensor;
}

const tfPlainMatMul: PlainMatMul = {
  name: 'tf',
  matMul: (a, b) => tf.matMul(a, b),
  transpose: (x) => tf.transpose(x),
};

interface PlainMatMulExports {
  matMul(m: number, k: number, n: number, a: number, b: number, c: number): void;
  transpose(m: number, n: number, x: number, t: number): void;
}

const WASM_PATH = fileURLToPath(new URL('./plain-matmul.wasm', import.meta.url));

function createWasmSimd(): PlainMatMul {
  const mem = heapMemory()!;
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM_PATH)), { env: { memory: wasmMemoryOf(tf.backend()) } })
    .exports as unknown as PlainMatMulExports;
  const at = (t: tf.TensorInfo) => mem.address(t);
  return {
    name: 'wasm-simd',
    matMul(a, b) {
      const [m, inner] = a.shape;
      const [inner2, n] = b.shape;
      if (a.rank !== 2 || b.rank !== 2 || inner !== inner2) throw new Error(`matMul: shapes [${a.shape}] and [${b.shape}] do not chain`);
      if (m === 0 || inner === 0 || n === 0) return tf.matMul(a, b);
      const c = mem.alloc([m, n]);
      k.matMul(m, inner, n, at(a), at(b), at(c));
      return c;
    },
    transpose(x) {
      if (x.rank !== 2) throw new Error(`transpose: rank ${x.rank}, expected 2`);
      const [m, n] = x.shape;
      const t = mem.alloc([n, m]);
      k.transpose(m, n, at(x), at(t));
      return t;
    },
  };
}

let cached: { backend: string; ops: PlainMatMul } | null = null;

/** The kernel on wasm with SIMD, tf ops elsewhere (cached per backend). */
export function plainMatMul(): PlainMatMul {
  const backend = tf.getBackend();
  if (cached?.backend !== backend) {
    const simd = backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    cached = { backend, ops: simd ? createWasmSimd() : tfPlainMatMul };
  }
  return cached.ops;
}

/** The tf-ops implementation, the reference in tests. */
export const referencePlainMatMul = tfPlainMatMul;
