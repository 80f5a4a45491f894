// The point-wise part of an LSTM step (gates, cell, hidden state; and its
// backward), behind one interface: the WebAssembly SIMD kernel on the tfjs-wasm
// heap when available, tfjs ops otherwise (and as the reference in tests).
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heapMemory, wasmMemoryOf } from '../../runtime/heap.ts';

export interface PointwiseForward {
  /** [i; f; g; o] after their non-linearities, [4H, n]. */
  act: tf.Tensor;
  c: tf.Tensor;
  h: tf.Tensor;
  /** tanh(c). */
  tc: tf.Tensor;
}

export interface LstmPointwise {
  readonly name: 'wasm-simd' | 'tf-ops';
  forward(z: tf.Tensor, cPrev: tf.Tensor): PointwiseForward;
  /** dz [4H, n] and dcPrev from the gradients reaching h and c. */
  backward(act: tf.Tensor, tc: tf.Tensor, cPrev: tf.Tensor, dh: tf.Tensor, dc: tf.Tensor): { dz: tf.Tensor; dcPrev: tf.Tensor };
  /** keep ⊙ next + (1 − keep) ⊙ prev, keep [1, n] of 0 and 1: a sequence that has ended keeps its state. */
  keepColumns(keep: tf.Tensor, next: tf.Tensor, prev: tf.Tensor): tf.Tensor;
  /** Its backward: [keep ⊙ g, (1 − keep) ⊙ g]. */
  splitColumns(keep: tf.Tensor, g: tf.Tensor): [tf.Tensor, tf.Tensor];
}

const WASM_PATH = fileURLToPath(new URL('./lstm-pointwise.wasm', import.meta.url));

function gates(z: tf.Tensor, H: number): tf.Tensor[] {
  return [0, 1, 2, 3].map((k) => tf.slice(z, [k * H, 0], [H, z.shape[1]!]));
}

export const tfOpsLstmPointwise: LstmPointwise = {
  name: 'tf-ops',
  forward(z, cPrev) {
    const [zi, zf, zg, zo] = gates(z, cPrev.shape[0]);
    const i = tf.sigmoid(zi),
      f = tf.sigmoid(zf),
      g = tf.tanh(zg),
      o = tf.sigmoid(zo);
    const c = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
    const tc = tf.tanh(c);
    return { act: tf.concat([i, f, g, o], 0), c, h: tf.mul(o, tc), tc };
  },
  backward(act, tc, cPrev, dh, dc) {
    const [i, f, g, o] = gates(act, cPrev.shape[0]);
    const one = tf.scalar(1);
    const dcT = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(one, tf.square(tc))));
    const dz = tf.concat(
      [
        tf.mul(tf.mul(dcT, g), tf.mul(i, tf.sub(one, i))),
        tf.mul(tf.mul(dcT, cPrev), tf.mul(f, tf.sub(one, f))),
        tf.mul(tf.mul(dcT, i), tf.sub(one, tf.square(g))),
        tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(one, o))),
      ],
      0,
    );
    return { dz, dcPrev: tf.mul(dcT, f) };
  },
  keepColumns: (keep, next, prev) => tf.add(tf.mul(keep, next), tf.mul(tf.sub(1, keep), prev)),
  splitColumns: (keep, g) => [tf.mul(keep, g), tf.mul(tf.sub(1, keep), g)],
};

interface PointwiseExports {
  forward(count: number, z: number, cPrev: number, act: number, c: number, h: number, tc: number): void;
  backward(count: number, act: number, tc: number, cPrev: number, dh: number, dc: number, dz: number, dcPrev: number): void;
  keepColumns(rows: number, n: number, keep: number, next: number, prev: number, out: number): void;
  splitColumns(rows: number, n: number, keep: number, g: number, kept: number, carried: number): void;
}

function createWasmSimd(): LstmPointwise {
  const mem = heapMemory()!;
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM_PATH)), { env: { memory: wasmMemoryOf(tf.backend()) } })
    .exports as unknown as PointwiseExports;
  const at = (t: tf.TensorInfo) => mem.address(t);
  return {
    name: 'wasm-simd',
    forward(z, cPrev) {
      const [H, n] = cPrev.shape;
      const act = mem.alloc([4 * H, n]),
        c = mem.alloc([H, n]),
        h = mem.alloc([H, n]),
        tc = mem.alloc([H, n]);
      k.forward(H * n, at(z), at(cPrev), at(act), at(c), at(h), at(tc));
      return { act, c, h, tc };
    },
    backward(act, tc, cPrev, dh, dc) {
      const [H, n] = cPrev.shape;
      const dz = mem.alloc([4 * H, n]),
        dcPrev = mem.alloc([H, n]);
      k.backward(H * n, at(act), at(tc), at(cPrev), at(dh), at(dc), at(dz), at(dcPrev));
      return { dz, dcPrev };
    },
    keepColumns(keep, next, prev) {
      const [rows, n] = next.shape;
      const out = mem.alloc([rows, n]);
      k.keepColumns(rows, n, at(keep), at(next), at(prev), at(out));
      return out;
    },
    splitColumns(keep, g) {
      const [rows, n] = g.shape;
      const kept = mem.alloc([rows, n]),
        carried = mem.alloc([rows, n]);
      k.splitColumns(rows, n, at(keep), at(g), at(kept), at(carried));
      return [kept, carried];
    },
  };
}

let cached: { backend: string; pointwise: LstmPointwise } | null = null;

/** The fastest implementation for the active backend (cached per backend). */
export function lstmPointwise(): LstmPointwise {
  const backend = tf.getBackend();
  if (cached?.backend !== backend) {
    const simd = backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    cached = { backend, pointwise: simd ? createWasmSimd() : tfOpsLstmPointwise };
  }
  return cached.pointwise;
}
