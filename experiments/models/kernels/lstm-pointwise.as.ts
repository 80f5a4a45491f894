// The point-wise part of an LSTM step, forward and backward, in one pass each
// (AssemblyScript → WebAssembly SIMD, working in place on the tfjs-wasm heap
// like the mask kernels). With tfjs ops the same work is ~20 small kernels per
// step, which cost as much as the step's matMuls (a tf.profile of the SCAN
// model: 36 ms of matMul vs ~35 ms of point-wise ops per batch).
//
// Layout (feature-major): z and act are [4H, n] with gate blocks
// [input, forget, cell, output] of H·n contiguous values each; c, h, tc,
// cPrev, dh, dc, dcPrev are [H, n]. `count` = H·n.
import { exp4 } from '../../wasm-math/simd-math.as';

// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  // tanh x = 2 σ(2x) − 1
  return f32x4.sub(f32x4.mul(f32x4.splat(2.0), sigmoid4(f32x4.add(x, x))), f32x4.splat(1.0));
}

// @ts-ignore: decorator
@inline
function at(base: usize, q: i32): usize {
  return base + (<usize>q << 2);
}

/** Gates, new cell and hidden state; act = [i, f, g, o] activated, tc = tanh(c). */
export function forward(count: i32, z: usize, cPrev: usize, act: usize, c: usize, h: usize, tc: usize): void {
  const block = <usize>count << 2;
  for (let q = 0; q < count; q += 4) {
    // The last partial vector (count not a multiple of 4) goes lane by lane.
    if (q + 4 > count) {
      for (let r = q; r < count; r++) scalarForward(r, block, z, cPrev, act, c, h, tc);
      break;
    }
    const i = sigmoid4(v128.load(at(z, q)));
    const f = sigmoid4(v128.load(at(z, q) + block));
    const g = tanh4(v128.load(at(z, q) + 2 * block));
    const o = sigmoid4(v128.load(at(z, q) + 3 * block));
    const cn = f32x4.add(f32x4.mul(f, v128.load(at(cPrev, q))), f32x4.mul(i, g));
    const t = tanh4(cn);
    v128.store(at(act, q), i);
    v128.store(at(act, q) + block, f);
    v128.store(at(act, q) + 2 * block, g);
    v128.store(at(act, q) + 3 * block, o);
    v128.store(at(c, q), cn);
    v128.store(at(tc, q), t);
    v128.store(at(h, q), f32x4.mul(o, t));
  }
}

function scalarForward(r: i32, block: usize, z: usize, cPrev: usize, act: usize, c: usize, h: usize, tc: usize): void {
  const i = f32x4.extract_lane(sigmoid4(f32x4.splat(load<f32>(at(z, r)))), 0);
  const f = f32x4.extract_lane(sigmoid4(f32x4.splat(load<f32>(at(z, r) + block))), 0);
  const g = f32x4.extract_lane(tanh4(f32x4.splat(load<f32>(at(z, r) + 2 * block))), 0);
  const o = f32x4.extract_lane(sigmoid4(f32x4.splat(load<f32>(at(z, r) + 3 * block))), 0);
  const cn = f * load<f32>(at(cPrev, r)) + i * g;
  const t = f32x4.extract_lane(tanh4(f32x4.splat(cn)), 0);
  store<f32>(at(act, r), i);
  store<f32>(at(act, r) + block, f);
  store<f32>(at(act, r) + 2 * block, g);
  store<f32>(at(act, r) + 3 * block, o);
  store<f32>(at(c, r), cn);
  store<f32>(at(tc, r), t);
  store<f32>(at(h, r), o * t);
}

/**
 * From the gradients reaching h and c: dz (gate pre-activations, [4H, n]) and
 * the gradient to the previous cell state.
 */
export function backward(count: i32, act: usize, tc: usize, cPrev: usize, dh: usize, dc: usize, dz: usize, dcPrev: usize): void {
  const block = <usize>count << 2;
  const one = f32x4.splat(1.0);
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const i = v128.load(at(act, q));
    const f = v128.load(at(act, q) + block);
    const g = v128.load(at(act, q) + 2 * block);
    const o = v128.load(at(act, q) + 3 * block);
    const t = v128.load(at(tc, q));
    const gh = v128.load(at(dh, q));
    const dcT = f32x4.add(v128.load(at(dc, q)), f32x4.mul(f32x4.mul(gh, o), f32x4.sub(one, f32x4.mul(t, t))));
    v128.store(at(dz, q), f32x4.mul(f32x4.mul(dcT, g), f32x4.mul(i, f32x4.sub(one, i))));
    v128.store(at(dz, q) + block, f32x4.mul(f32x4.mul(dcT, v128.load(at(cPrev, q))), f32x4.mul(f, f32x4.sub(one, f))));
    v128.store(at(dz, q) + 2 * block, f32x4.mul(f32x4.mul(dcT, i), f32x4.sub(one, f32x4.mul(g, g))));
    v128.store(at(dz, q) + 3 * block, f32x4.mul(f32x4.mul(gh, t), f32x4.mul(o, f32x4.sub(one, o))));
    v128.store(at(dcPrev, q), f32x4.mul(dcT, f));
  }
  for (; q < count; q++) {
    const i = load<f32>(at(act, q));
    const f = load<f32>(at(act, q) + block);
    const g = load<f32>(at(act, q) + 2 * block);
    const o = load<f32>(at(act, q) + 3 * block);
    const t = load<f32>(at(tc, q));
    const gh = load<f32>(at(dh, q));
    const dcT = load<f32>(at(dc, q)) + gh * o * (<f32>1.0 - t * t);
    store<f32>(at(dz, q), dcT * g * i * (<f32>1.0 - i));
    store<f32>(at(dz, q) + block, dcT * load<f32>(at(cPrev, q)) * f * (<f32>1.0 - f));
    store<f32>(at(dz, q) + 2 * block, dcT * i * (<f32>1.0 - g * g));
    store<f32>(at(dz, q) + 3 * block, gh * t * o * (<f32>1.0 - o));
    store<f32>(at(dcPrev, q), dcT * f);
  }
}

/**
 * A sequence that has ended keeps its state: out = keep ⊙ next + (1 − keep) ⊙ prev,
 * keep [1, n] (0 or 1 per column) over [rows, n] — the same products and sum,
 * each rounded to float32, as tf.add(tf.mul(keep, next), tf.mul(tf.sub(1, keep), prev)).
 */
export function keepColumns(rows: i32, n: i32, keep: usize, next: usize, prev: usize, out: usize): void {
  const one = f32x4.splat(1.0);
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = v128.load(at(keep, j));
      const v = f32x4.add(f32x4.mul(k, v128.load(at(next, row + j))), f32x4.mul(f32x4.sub(one, k), v128.load(at(prev, row + j))));
      v128.store(at(out, row + j), v);
    }
    for (; j < n; j++) {
      const k = load<f32>(at(keep, j));
      store<f32>(at(out, row + j), k * load<f32>(at(next, row + j)) + (<f32>1.0 - k) * load<f32>(at(prev, row + j)));
    }
  }
}

/** Its backward: kept = keep ⊙ g (to the step's new state) and carried = (1 − keep) ⊙ g (to the carried one). */
export function splitColumns(rows: i32, n: i32, keep: usize, g: usize, kept: usize, carried: usize): void {
  const one = f32x4.splat(1.0);
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = v128.load(at(keep, j));
      const v = v128.load(at(g, row + j));
      v128.store(at(kept, row + j), f32x4.mul(k, v));
      v128.store(at(carried, row + j), f32x4.mul(f32x4.sub(one, k), v));
    }
    for (; j < n; j++) {
      const k = load<f32>(at(keep, j));
      const v = load<f32>(at(g, row + j));
      store<f32>(at(kept, row + j), k * v);
      store<f32>(at(carried, row + j), (<f32>1.0 - k) * v);
    }
  }
}
