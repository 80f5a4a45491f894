// Fused element-wise kernels of the mask method, written in AssemblyScript and
// compiled to WebAssembly with 128-bit SIMD by scripts/build-kernels.ts (loaded
// by wasm-simd.ts; js.ts is the same arithmetic in plain JS). The module imports the memory of the
// tfjs-wasm backend, so every pointer below is an address of a tensor on the
// tfjs heap: no copies between JavaScript and WebAssembly.
//
// Why hand-written kernels: with plain tfjs ops, the element-wise work on K mask
// samples of every weight costs as much as the matMuls (docs/design.md); in plain JS
// loops it is still ~4.6 ns per element. Here it is about 1 ns.
//
// All pointers are byte addresses of float32 arrays whose length is a multiple
// of 4 elements or which are padded; the tail is handled by a scalar loop.

import { exp4 } from '../../wasm-math/simd-math.as';

// @ts-ignore: decorator
@inline
function hash4(x: v128): v128 {
  // lowbias32 (Chris Wellons), lane-wise; a counter-based generator, so any
  // element's noise depends only on (seed, index).
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}

/**
 * probs[i] = sigmoid(max(logits[i], LOGIT_FLOOR)) for i < n. Below the floor the
 * probability would be a float32 denormal (from L ≈ −87), and denormal
 * arithmetic made every step of a long stage about 11× slower once the pruned
 * logits got there (~9k steps at lr 1e-2). A weight at the floor is never kept
 * (p·u ≤ 1.8e-35 against (1 − p)(1 − u) ≥ 6e-8) and its straight-through
 * gradient stays negligible, so the floor changes no mask.
 */
export const LOGIT_FLOOR: f32 = -80.0;

export function sigmoid(n: i32, logits: usize, probs: usize): void {
  const one = f32x4.splat(1.0);
  const floor = f32x4.splat(LOGIT_FLOOR);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const l = f32x4.max(v128.load(logits + (<usize>i << 2)), floor);
    const e = exp4(f32x4.neg(l));
    v128.store(probs + (<usize>i << 2), f32x4.div(one, f32x4.add(one, e)));
  }
  for (; i < n; i++) {
    // Same arithmetic as the vector loop; Math.exp would pull a lookup table
    // into a data segment, which must not exist (it would overwrite tfjs memory).
    const e = exp4(f32x4.splat(-max<f32>(load<f32>(logits + (<usize>i << 2)), LOGIT_FLOOR)));
    store<f32>(probs + (<usize>i << 2), <f32>1.0 / (<f32>1.0 + f32x4.extract_lane(e, 0)));
  }
}

/**
 * One hard Gumbel-sigmoid (binary concrete, tau = 1) sample of the mask of a
 * rows × cols weight, applied to it.  With u ~ U(0,1) and p = sigmoid(L):
 *   s = sigmoid(L + log u - log(1-u)) = p u / (p u + (1-p)(1-u))
 *   m = [s > 0.5]                      (forward value)
 *   dm/dL := s (1 - s)                 (straight-through backward)
 * Writes masked[i] = m w, its transpose maskedT (cols × rows), and factor[i] =
 * s (1 - s) w, the factor that turns dLoss/dW_eff into dLoss/dL.
 * u = (top 24 bits of hash(seed + i) + 0.5) / 2^24, i the element's flat index.
 *
 * The weight is taken in 4 × 4 blocks so that the transpose is written from the
 * registers (a separate pass read every mask sample again). A lane computes
 * exactly what the scalar code does (WebAssembly has no fused multiply-add), so
 * which elements go through the vector path does not change a bit.
 */
export function sampleMask(rows: i32, cols: i32, probs: usize, weights: usize, masked: usize, maskedT: usize, factor: usize, seed: u32): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    for (let c = 0; c < c4; c += 4) {
      const i = r * cols + c;
      const m0 = sampleVector(i, probs, weights, masked, factor, seed);
      const m1 = sampleVector(i + cols, probs, weights, masked, factor, seed);
      const m2 = sampleVector(i + 2 * cols, probs, weights, masked, factor, seed);
      const m3 = sampleVector(i + 3 * cols, probs, weights, masked, factor, seed);
      const t0 = v128.shuffle<f32>(m0, m1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(m2, m3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(m0, m1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(m2, m3, 2, 6, 3, 7);
      const out = maskedT + (<usize>(c * rows + r) << 2);
      const stride = <usize>rows << 2;
      v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(out + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(out + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(out + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      for (let q = r; q < r + 4; q++) sampleScalar(q, c, rows, cols, probs, weights, masked, maskedT, factor, seed);
    }
  }
  for (let q = r4; q < rows; q++) {
    for (let c = 0; c < cols; c++) sampleScalar(q, c, rows, cols, probs, weights, masked, maskedT, factor, seed);
  }
}

/** Elements i..i+3 of sampleMask (masked and factor stored); returns the four masked values. */
// @ts-ignore: decorator
@inline
function sampleVector(i: i32, probs: usize, weights: usize, masked: usize, factor: usize, seed: u32): v128 {
  const one = f32x4.splat(1.0);
  const h = hash4(i32x4.add(i32x4.splat(<i32>seed + i), i32x4(0, 1, 2, 3)));
  const u = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.shr_u(h, 8)), f32x4.splat(0.5)), f32x4.splat(5.9604644775390625e-8)); // 2^-24
  const off = <usize>i << 2;
  const p = v128.load(probs + off);
  const w = v128.load(weights + off);
  const pu = f32x4.mul(p, u);
  const qu = f32x4.mul(f32x4.sub(one, p), f32x4.sub(one, u));
  const m = v128.and(w, f32x4.gt(pu, qu));
  v128.store(masked + off, m);
  const r = f32x4.div(one, f32x4.add(pu, qu));
  const puqu = f32x4.mul(pu, qu);
  // s (1 − s) is exactly 0 where pu·qu is (u rounded to 1 in float32 with p ≈ 1e-20, i.e. a logit below −44 after
  // long stages): r² would overflow to ∞ and 0·∞ give NaN. Elsewhere the product is computed as before.
  const f = f32x4.mul(f32x4.mul(puqu, f32x4.mul(r, r)), w);
  v128.store(factor + off, v128.bitselect(f32x4.mul(puqu, w), f, f32x4.eq(puqu, f32x4.splat(0))));
  return m;
}

/** Element (q, c) of sampleMask, the same arithmetic as a lane of sampleVector. */
// @ts-ignore: decorator
@inline
function sampleScalar(q: i32, c: i32, rows: i32, cols: i32, probs: usize, weights: usize, masked: usize, maskedT: usize, factor: usize, seed: u32): void {
  const i = q * cols + c;
  let x = <u32>i + seed;
  x ^= x >>> 16; x *= 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b; x ^= x >>> 16;
  const u = (<f32>(x >>> 8) + 0.5) * <f32>5.9604644775390625e-8;
  const off = <usize>i << 2;
  const p = load<f32>(probs + off);
  const w = load<f32>(weights + off);
  const pu = p * u;
  const qu = (<f32>1.0 - p) * (<f32>1.0 - u);
  const m: f32 = pu > qu ? w : 0.0;
  store<f32>(masked + off, m);
  store<f32>(maskedT + (<usize>(c * rows + q) << 2), m);
  const r = <f32>1.0 / (pu + qu);
  store<f32>(factor + off, pu * qu == <f32>0.0 ? pu * qu * w : pu * qu * r * r * w);
}

/**
 * acc[i] += grad[i] * m[i], with m the mask alone that sampleMask draws from
 * probs at seed (1 where kept, else 0): the same arithmetic as sampleMask on a
 * tensor of ones followed by accumulateProduct, without writing the three
 * tensors that sampleMask would (a trained value's gradient, trained-values.ts).
 */
export function accumulateMask(n: i32, grad: usize, probs: usize, seed: u32, acc: usize): void {
  const one = f32x4.splat(1.0);
  const scale = f32x4.splat(5.9604644775390625e-8); // 2^-24
  const half = f32x4.splat(0.5);
  let counter = i32x4(0, 1, 2, 3);
  counter = i32x4.add(counter, i32x4.splat(<i32>seed));
  const four = i32x4.splat(4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const h = hash4(counter);
    counter = i32x4.add(counter, four);
    const u = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.shr_u(h, 8)), half), scale);
    const off = <usize>i << 2;
    const p = v128.load(probs + off);
    const keep = f32x4.gt(f32x4.mul(p, u), f32x4.mul(f32x4.sub(one, p), f32x4.sub(one, u)));
    v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(v128.load(grad + off), v128.and(one, keep))));
  }
  for (; i < n; i++) {
    let x = <u32>i + seed;
    x ^= x >>> 16; x *= 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b; x ^= x >>> 16;
    const u = (<f32>(x >>> 8) + 0.5) * <f32>5.9604644775390625e-8;
    const off = <usize>i << 2;
    const p = load<f32>(probs + off);
    const m: f32 = p * u > (<f32>1.0 - p) * (<f32>1.0 - u) ? 1.0 : 0.0;
    store<f32>(acc + off, load<f32>(acc + off) + load<f32>(grad + off) * m);
  }
}

/** acc[i] += grad[i] * factor[i]: dLoss/dL from dLoss/dW_eff of one sample. */
export function accumulateProduct(n: i32, grad: usize, factor: usize, acc: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(v128.load(grad + off), v128.load(factor + off))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(acc + off, load<f32>(acc + off) + load<f32>(grad + off) * load<f32>(factor + off));
  }
}

/** Sum over i of (grad[i] + shift)^2, in f64 lanes for accuracy. */
export function sumSquares(n: i32, grad: usize, shift: f32): f64 {
  const s = f32x4.splat(shift);
  let acc = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const g = f32x4.add(v128.load(grad + (<usize>i << 2)), s);
    const sq = f32x4.mul(g, g);
    acc = f64x2.add(acc, f64x2.promote_low_f32x4(sq));
    acc = f64x2.add(acc, f64x2.promote_low_f32x4(i32x4.shuffle(sq, sq, 2, 3, 0, 1)));
  }
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const g = <f64>load<f32>(grad + (<usize>i << 2)) + <f64>shift;
    total += g * g;
  }
  return total;
}

/**
 * Adam (PyTorch semantics, no weight decay) on param, with the gradient
 * g = (grad + shift) * scale: shift carries a constant gradient such as the
 * linear mask penalty alpha, scale the clipping factor.
 * c1 = 1 - beta1^t and c2 = 1 - beta2^t are the bias corrections.
 */
export function adam(n: i32, param: usize, grad: usize, m: usize, v: usize,
  lr: f32, beta1: f32, beta2: f32, c1: f32, c2: f32, eps: f32, shift: f32, scale: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(<f32>1.0 - beta1), ob2 = f32x4.splat(<f32>1.0 - beta2);
  const stepSize = f32x4.splat(lr / c1);
  const invC2 = f32x4.splat(<f32>1.0 / c2);
  const e = f32x4.splat(eps), sh = f32x4.splat(shift), sc = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const g = f32x4.mul(f32x4.add(v128.load(grad + off), sh), sc);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + off)), f32x4.mul(ob1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + off)), f32x4.mul(ob2, f32x4.mul(g, g)));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    const denom = f32x4.add(f32x4.sqrt(f32x4.mul(vi, invC2)), e);
    v128.store(param + off, f32x4.sub(v128.load(param + off), f32x4.div(f32x4.mul(stepSize, mi), denom)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const g = (load<f32>(grad + off) + shift) * scale;
    const mi = beta1 * load<f32>(m + off) + (<f32>1.0 - beta1) * g;
    const vi = beta2 * load<f32>(v + off) + (<f32>1.0 - beta2) * g * g;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    store<f32>(param + off, load<f32>(param + off) - (lr / c1) * mi / (<f32>Math.sqrt(<f64>(vi / c2)) + eps));
  }
}

/**
 * Writes dst = transpose(src) for a rows x cols float32 matrix. Done in 4x4
 * blocks of vector loads and shuffles so that both reads and writes stay on a
 * few cache lines at a time.
 */
export function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  const r4 = rows & ~3, c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    for (let c = 0; c < c4; c += 4) {
      const a0 = v128.load(src + ((<usize>r * cols + c) << 2));
      const a1 = v128.load(src + ((<usize>(r + 1) * cols + c) << 2));
      const a2 = v128.load(src + ((<usize>(r + 2) * cols + c) << 2));
      const a3 = v128.load(src + ((<usize>(r + 3) * cols + c) << 2));
      const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      v128.store(dst + ((<usize>c * rows + r) << 2), i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(dst + ((<usize>(c + 1) * rows + r) << 2), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(dst + ((<usize>(c + 2) * rows + r) << 2), i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(dst + ((<usize>(c + 3) * rows + r) << 2), i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
  }
  // Ragged edges: the last rows % 4 rows, and the last cols % 4 columns.
  for (let r = 0; r < rows; r++) {
    const cStart = r < r4 ? c4 : 0;
    for (let c = cStart; c < cols; c++) {
      store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
    }
  }
}
