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
  /** A · [B₁; B₂] (+ bias [m, 1]): B's rows in two tensors, without concatenating them (the LSTM's [x; h]). */
  affine(a: tf.Tensor, b: [tf.Tensor] | [tf.Tensor, tf.Tensor], bias?: tf.Tensor): tf.Tensor;
  /** [A₁; A₂; …] · B as one tensor, without concatenating the A's (a weight gradient over row blocks of inputs). */
  matMulConcatRows(a: tf.Tensor[], b: tf.Tensor): tf.Tensor;
  /** A · B cut into row blocks of the given heights (summing to A's rows), each product computed on its own rows of A. */
  matMulRowBlocks(a: tf.Tensor, b: tf.Tensor, heights: number[]): tf.Tensor[];
  /** X[m, n] → Xᵀ [n, m]. */
  transpose(x: tf.Tensor): tf.Tensor;
  /**
   * [X₁, X₂, …] side by side (tf.concat along axis 1): tfjs-wasm concatenates
   * columns in JavaScript, one typed-array copy per row and input, which was a
   * tenth of a SCAN mask step (its weight gradients join every time step's inputs).
   */
  concatColumns(x: tf.Tensor[]): tf.Tensor;
  /** Columns start … start + width − 1 of X [m, n] (tf.slice along axis 1, which tfjs-wasm also does in JavaScript). */
  sliceColumns(x: tf.Tensor, start: number, width: number): tf.Tensor;
}

function rowBlocks(t: tf.Tensor, heights: number[]): tf.Tensor[] {
  let at = 0;
  return heights.map((h) => {
    const block = tf.slice(t, [at, 0], [h, t.shape[1]!]);
    at += h;
    return block;
  });
}

const tfPlainMatMul: PlainMatMul = {
  name: 'tf',
  matMul: (a, b) => tf.matMul(a, b),
  affine(a, b, bias) {
    const product = tf.matMul(a, b.length === 1 ? b[0] : tf.concat(b, 0));
    return bias ? tf.add(product, bias) : product;
  },
  matMulConcatRows: (a, b) => tf.matMul(a.length === 1 ? a[0] : tf.concat(a, 0), b),
  matMulRowBlocks: (a, b, heights) => rowBlocks(tf.matMul(a, b), heights),
  transpose: (x) => tf.transpose(x),
  concatColumns: (x) => tf.concat(x, 1),
  sliceColumns: (x, start, width) => tf.slice(x, [0, start], [x.shape[0], width]),
};

interface PlainMatMulExports {
  matMul(m: number, k: number, n: number, a: number, b: number, c: number, scratch: number): void;
  matMulStacked(m: number, k1: number, k2: number, n: number, a: number, b1: number, b2: number, bias: number, c: number, scratch: number): void;
  packFloats(k: number): number;
  transpose(m: number, n: number, x: number, t: number): void;
  copyBlock(rows: number, width: number, srcStride: number, dstStride: number, src: number, dst: number): void;
}

/**
 * Below these, the kernel reads B where it lies (see withPacking). Measured on
 * operands fresh from memory, as in a training step (GFLOP/s, reading B in place →
 * packed): 144×1000 · 1000×512, an LSTM weight gradient, 11–12 → 17–22;
 * 32×144 · 144×16384, a convolution, 15–16 → 21; 2000×2000 · 2000×32 18–25 → 24–25;
 * but 16×27 · 27×65536 (four row tiles, short k) 18.5–18.8 → 17–17.5.
 */
const PACK_MIN_ROWS = 32;
const PACK_MIN_COLUMNS = 32;

const WASM_PATH = fileURLToPath(new URL('./plain-matmul.wasm', import.meta.url));

/** [m, k] of A after checking that A[m, k] · B[k, n] chains. */
function check2d(what: string, a: tf.Tensor, b: tf.Tensor): [number, number] {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) throw new Error(`${what}: shapes [${a.shape}] and [${b.shape}] do not chain`);
  return [a.shape[0], a.shape[1]];
}

function createWasmSimd(): PlainMatMul {
  const mem = heapMemory()!;
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM_PATH)), { env: { memory: wasmMemoryOf(tf.backend()) } })
    .exports as unknown as PlainMatMulExports;
  const at = (t: tf.TensorInfo) => mem.address(t);
  // Packing B into panels pays where several row tiles of A read each panel and
  // B is wide (its rows far apart): below these sizes it costs more than it saves.
  const withPacking = <T>(m: number, inner: number, n: number, run: (scratch: number) => T): T => {
    if (m < PACK_MIN_ROWS || n < PACK_MIN_COLUMNS) return run(0);
    const scratch = mem.alloc([k.packFloats(inner)]);
    try {
      return run(at(scratch));
    } finally {
      scratch.dispose();
    }
  };
  return {
    name: 'wasm-simd',
    matMul(a, b) {
      const [m, inner] = check2d('matMul', a, b);
      const n = b.shape[1]!;
      if (m === 0 || inner === 0 || n === 0) return tf.matMul(a, b);
      const c = mem.alloc([m, n]);
      withPacking(m, inner, n, (scratch) => k.matMul(m, inner, n, at(a), at(b), at(c), scratch));
      return c;
    },
    affine(a, b, bias) {
      const [m, inner] = a.shape;
      const [k1, n] = b[0].shape;
      const k2 = b.length === 2 ? b[1].shape[0] : 0;
      if (a.rank !== 2 || b.some((t) => t.rank !== 2 || t.shape[1] !== n) || k1 + k2 !== inner || (bias && bias.size !== m))
        throw new Error(`affine: shapes [${a.shape}], ${b.map((t) => `[${t.shape}]`).join(' over ')}${bias ? ` and bias [${bias.shape}]` : ''} do not chain`);
      if (m === 0 || k1 === 0 || n === 0) return tfPlainMatMul.affine(a, b, bias);
      const c = mem.alloc([m, n]);
      withPacking(m, inner, n, (scratch) => k.matMulStacked(m, k1, k2, n, at(a), at(b[0]), k2 > 0 ? at(b[1]!) : 0, bias ? at(bias) : 0, at(c), scratch));
      return c;
    },
    matMulConcatRows(a, b) {
      const [inner, n] = b.shape;
      if (a.some((t) => t.rank !== 2 || t.shape[1] !== inner) || b.rank !== 2)
        throw new Error(`matMulConcatRows: shapes ${a.map((t) => `[${t.shape}]`).join(', ')} and [${b.shape}] do not chain`);
      const rows = a.reduce((s, t) => s + t.shape[0], 0);
      if (inner === 0 || n === 0 || a.some((t) => t.shape[0] === 0)) return tfPlainMatMul.matMulConcatRows(a, b);
      const c = mem.alloc([rows, n]);
      let row = 0;
      for (const t of a) {
        withPacking(t.shape[0], inner, n, (scratch) => k.matMul(t.shape[0], inner, n, at(t), at(b), at(c) + 4 * row * n, scratch));
        row += t.shape[0];
      }
      return c;
    },
    matMulRowBlocks(a, b, heights) {
      const [m, inner] = check2d('matMulRowBlocks', a, b);
      const n = b.shape[1]!;
      if (heights.reduce((s, h) => s + h, 0) !== m) throw new Error(`matMulRowBlocks: heights ${heights} do not add up to ${m} rows`);
      if (inner === 0 || n === 0 || heights.some((h) => h === 0)) return tfPlainMatMul.matMulRowBlocks(a, b, heights);
      let row = 0;
      return heights.map((h) => {
        const c = mem.alloc([h, n]);
        withPacking(h, inner, n, (scratch) => k.matMul(h, inner, n, at(a) + 4 * row * inner, at(b), at(c), scratch));
        row += h;
        return c;
      });
    },
    transpose(x) {
      if (x.rank !== 2) throw new Error(`transpose: rank ${x.rank}, expected 2`);
      const [m, n] = x.shape;
      const t = mem.alloc([n, m]);
      k.transpose(m, n, at(x), at(t));
      return t;
    },
    concatColumns(x) {
      const rows = x[0]?.shape[0];
      if (x.length === 0 || x.some((t) => t.rank !== 2 || t.shape[0] !== rows))
        throw new Error(`concatColumns: shapes ${x.map((t) => `[${t.shape}]`).join(', ')} do not stand side by side`);
      if (x.length === 1) return tf.clone(x[0]);
      const width = x.reduce((s, t) => s + t.shape[1]!, 0);
      const out = mem.alloc([rows, width]);
      let column = 0;
      for (const t of x) {
        if (t.size > 0) k.copyBlock(rows, t.shape[1]!, t.shape[1]!, width, at(t), at(out) + 4 * column);
        column += t.shape[1]!;
      }
      return out;
    },
    sliceColumns(x, start, width) {
      if (x.rank !== 2 || start < 0 || width < 0 || start + width > x.shape[1]!)
        throw new Error(`sliceColumns: columns ${start}…${start + width - 1} of a [${x.shape}] tensor`);
      const [rows, n] = x.shape;
      const out = mem.alloc([rows, width]);
      if (rows > 0 && width > 0) k.copyBlock(rows, width, n, width, at(x) + 4 * start, at(out));
      return out;
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
