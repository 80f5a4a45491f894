// The CNN's data movement (im2col, col2im, 2×2 max pooling, the global average
// pool's backward) behind one interface: the WebAssembly kernel working on the
// tfjs-wasm heap (conv-moves.as.ts) when available, plain JS loops on host
// copies otherwise (and as the reference in tests). Both give the same bits.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heapMemory, wasmMemoryOf } from '../../runtime/heap.ts';

/** The spatial shape of an activation: N examples of H × W. */
export interface Grid {
  n: number;
  h: number;
  w: number;
}

/** Which cell of each 2×2 block won (0 top-left, 1 top-right, 2, 3): host bytes, or a tensor on the heap holding them. */
export type PoolIndex = Uint8Array | tf.Tensor;

export interface ConvMoves {
  readonly name: 'wasm' | 'js';
  /** [C, N·H·W] → [9·C, N·H·W]: for each 3×3 offset, the input shifted by it (padding 1, zeros outside). */
  im2col(x: tf.Tensor, g: Grid): tf.Tensor;
  /** The adjoint of im2col: [9·C, N·H·W] → [C, N·H·W], each offset's rows shifted back and summed. */
  col2im(cols: tf.Tensor, g: Grid): tf.Tensor;
  /** 2×2 max pooling, stride 2 (H and W even): [C, N·H·W] → [C, N·H/2·W/2]; ties go to the first cell. */
  maxPoolForward(x: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: PoolIndex };
  maxPoolBackward(dy: tf.Tensor, argmax: PoolIndex, g: Grid): tf.Tensor;
  /** maxPoolForward(relu(z)), the ReLU not materialised. */
  reluMaxPoolForward(z: tf.Tensor, g: Grid): { y: tf.Tensor; argmax: PoolIndex };
  /** Its backward: maxPoolBackward(dy) times the ReLU's gate, which is open where the pooled y > 0. */
  maxPoolReluBackward(dy: tf.Tensor, argmax: PoolIndex, y: tf.Tensor, g: Grid): tf.Tensor;
  /** d · step(a) for a = relu(z): the ReLU's backward from its output. */
  reluBackward(d: tf.Tensor, a: tf.Tensor): tf.Tensor;
  /** The backward of the mean over each example's H × W: [C, N] → [C, N·H·W]. */
  avgPoolBackward(dy: tf.Tensor, g: Grid): tf.Tensor;
}

const OFFSETS = [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => [dy, dx] as const));

/**
 * Calls f(dst, src, len) for every row segment that im2col copies: offset k,
 * channel c, example e, output row y; `dst` indexes cols [9·C, N·H·W], `src`
 * indexes x [C, N·H·W]. One walk serves im2col (copy) and col2im (add back).
 */
function forEachShiftedRow(c: number, g: Grid, f: (dst: number, src: number, len: number) => void): void {
  const hw = g.h * g.w;
  OFFSETS.forEach(([dy, dx], k) => {
    const oy = dy - 1;
    const ox = dx - 1;
    const x0 = Math.max(0, -ox);
    const len = g.w - Math.abs(ox);
    for (let ch = 0; ch < c; ch++) {
      for (let e = 0; e < g.n; e++) {
        const src = (ch * g.n + e) * hw;
        const dst = ((k * c + ch) * g.n + e) * hw;
        for (let y = Math.max(0, -oy); y < Math.min(g.h, g.h - oy); y++) f(dst + y * g.w + x0, src + (y + oy) * g.w + x0 + ox, len);
      }
    }
  });
}

/** The reference: plain loops on host copies of the tensors. */
export const jsConvMoves: ConvMoves = {
  name: 'js',
  im2col(x, g) {
    const c = x.shape[0];
    const src = x.dataSync() as Float32Array;
    const out = new Float32Array(9 * src.length);
    forEachShiftedRow(c, g, (dst, from, len) => {
      for (let i = 0; i < len; i++) out[dst + i] = src[from + i];
    });
    return tf.tensor(out, [9 * c, src.length / c], 'float32');
  },
  col2im(cols, g) {
    const c = cols.shape[0] / 9;
    const src = cols.dataSync() as Float32Array;
    const out = new Float32Array(src.length / 9);
    forEachShiftedRow(c, g, (from, dst, len) => {
      for (let i = 0; i < len; i++) out[dst + i] += src[from + i];
    });
    return tf.tensor(out, [c, out.length / c], 'float32');
  },
  maxPoolForward(x, g) {
    const src = x.dataSync() as Float32Array;
    const rows = src.length / g.w; // C·N·H rows of W
    const half = g.w / 2;
    const y = new Float32Array(src.length / 4);
    // In this CNN pooling follows a ReLU, where ties are zeros whose ReLU gradient is zero anyway.
    const argmax = new Uint8Array(y.length);
    for (let r = 0; r < rows; r += 2) {
      for (let j = 0; j < half; j++) {
        const top = r * g.w + 2 * j;
        const cells = [src[top], src[top + 1], src[top + g.w], src[top + g.w + 1]];
        let best = 0;
        for (let q = 1; q < 4; q++) if (cells[q] > cells[best]) best = q;
        const o = (r / 2) * half + j;
        y[o] = cells[best];
        argmax[o] = best;
      }
    }
    return { y: tf.tensor(y, [x.shape[0], y.length / x.shape[0]], 'float32'), argmax };
  },
  maxPoolBackward(dy, argmax, g) {
    const d = dy.dataSync() as Float32Array;
    const at = argmax instanceof Uint8Array ? argmax : hostBytes(argmax, d.length);
    const half = g.w / 2;
    const out = new Float32Array(d.length * 4);
    for (let o = 0; o < d.length; o++) {
      const r = 2 * Math.floor(o / half);
      const j = o % half;
      const q = at[o];
      out[(r + (q >> 1)) * g.w + 2 * j + (q & 1)] = d[o];
    }
    return tf.tensor(out, [dy.shape[0], out.length / dy.shape[0]], 'float32');
  },
  reluMaxPoolForward(z, g) {
    return tf.tidy(() => {
      const relu = tf.relu(z);
      return jsConvMoves.maxPoolForward(relu, g);
    });
  },
  maxPoolReluBackward(dy, argmax, y, g) {
    return tf.tidy(() => {
      const gate = tf.step(y);
      const spread = jsConvMoves.maxPoolBackward(tf.mul(dy, gate), argmax, g);
      return spread;
    });
  },
  reluBackward: (d, a) => tf.mul(d, tf.step(a)),
  avgPoolBackward(dy, g) {
    const d = dy.dataSync() as Float32Array;
    const hw = g.h * g.w;
    const out = new Float32Array(d.length * hw);
    for (let i = 0; i < d.length; i++) out.fill(d[i] / hw, i * hw, (i + 1) * hw);
    return tf.tensor(out, [dy.shape[0], out.length / dy.shape[0]], 'float32');
  },
};

/** The first n bytes of a pool index held in a float32 tensor. */
function hostBytes(t: tf.Tensor, n: number): Uint8Array {
  const f = t.dataSync() as Float32Array;
  return new Uint8Array(f.buffer, f.byteOffset, n);
}

interface ConvMovesExports {
  im2col(c: number, n: number, h: number, w: number, x: number, cols: number): void;
  col2im(c: number, n: number, h: number, w: number, cols: number, x: number): void;
  maxPoolForward(rows: number, w: number, x: number, y: number, argmax: number): void;
  maxPoolBackward(count: number, w: number, d: number, argmax: number, out: number): void;
  avgPoolBackward(count: number, hw: number, d: number, out: number): void;
  reluMaxPoolForward(rows: number, w: number, z: number, y: number, argmax: number): void;
  maxPoolReluBackward(count: number, w: number, d: number, argmax: number, y: number, out: number): void;
  reluBackward(count: number, d: number, a: number, out: number): void;
}

const WASM_PATH = fileURLToPath(new URL('./conv-moves.wasm', import.meta.url));

function createWasm(): ConvMoves {
  const mem = heapMemory()!;
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM_PATH)), { env: { memory: wasmMemoryOf(tf.backend()) } })
    .exports as unknown as ConvMovesExports;
  const at = (t: tf.TensorInfo) => mem.address(t);
  const size = (t: tf.Tensor) => t.size;
  return {
    name: 'wasm',
    im2col(x, g) {
      const c = x.shape[0];
      const cols = mem.alloc([9 * c, size(x) / c]);
      k.im2col(c, g.n, g.h, g.w, at(x), at(cols));
      return cols;
    },
    col2im(cols, g) {
      const c = cols.shape[0] / 9;
      const x = mem.alloc([c, size(cols) / 9 / c]);
      k.col2im(c, g.n, g.h, g.w, at(cols), at(x));
      return x;
    },
    maxPoolForward(x, g) {
      const count = size(x) / 4;
      const y = mem.alloc([x.shape[0], count / x.shape[0]]);
      // The winners' bytes, in a float32 tensor of a quarter as many elements (freed with it).
      const argmax = mem.alloc([Math.ceil(count / 4)]);
      k.maxPoolForward(size(x) / g.w, g.w, at(x), at(y), at(argmax));
      return { y, argmax };
    },
    maxPoolBackward(dy, argmax, g) {
      if (argmax instanceof Uint8Array) return jsConvMoves.maxPoolBackward(dy, argmax, g);
      const out = mem.alloc([dy.shape[0], (size(dy) * 4) / dy.shape[0]]);
      k.maxPoolBackward(size(dy), g.w, at(dy), at(argmax), at(out));
      return out;
    },
    reluMaxPoolForward(z, g) {
      const count = size(z) / 4;
      const y = mem.alloc([z.shape[0], count / z.shape[0]]);
      const argmax = mem.alloc([Math.ceil(count / 4)]);
      k.reluMaxPoolForward(size(z) / g.w, g.w, at(z), at(y), at(argmax));
      return { y, argmax };
    },
    maxPoolReluBackward(dy, argmax, y, g) {
      if (argmax instanceof Uint8Array) return jsConvMoves.maxPoolReluBackward(dy, argmax, y, g);
      const out = mem.alloc([dy.shape[0], (size(dy) * 4) / dy.shape[0]]);
      k.maxPoolReluBackward(size(dy), g.w, at(dy), at(argmax), at(y), at(out));
      return out;
    },
    reluBackward(d, a) {
      const out = mem.alloc(d.shape);
      k.reluBackward(size(d), at(d), at(a), at(out));
      return out;
    },
    avgPoolBackward(dy, g) {
      const hw = g.h * g.w;
      const out = mem.alloc([dy.shape[0], (size(dy) * hw) / dy.shape[0]]);
      k.avgPoolBackward(size(dy), hw, at(dy), at(out));
      return out;
    },
  };
}

let cached: { backend: string; moves: ConvMoves } | null = null;

/** The implementation for the active backend: the heap kernel on wasm, the JS loops elsewhere (cached per backend). */
export function convMoves(): ConvMoves {
  const backend = tf.getBackend();
  if (cached?.backend !== backend) cached = { backend, moves: backend === 'wasm' ? createWasm() : jsConvMoves };
  return cached.moves;
}
