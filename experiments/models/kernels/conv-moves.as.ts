// The data movement of the CNN (conv2d.ts): im2col, its adjoint col2im, 2×2 max
// pooling forward and backward, and the global average pool's backward, in
// AssemblyScript → WebAssembly on the tfjs-wasm heap (like the mask kernels).
// In plain JS on host copies these were about a third of a CIFAR mask step
// (the loops, plus copying every activation out of the heap and back).
//
// The arithmetic is the JS reference's, in the same order (conv-moves.ts):
// col2im adds the offsets' contributions to an element one after another in
// offset order (the vector lanes are different elements), so results are
// bit-identical to it.
//
// Layout: an activation is [C, N·H·W] (example-major, then row, then column);
// cols is [9·C, N·H·W], rows offset (dy, dx) major, channel minor. Pointers are
// byte addresses of float32 arrays (argmax: of bytes).

// @ts-ignore: decorator
@inline
function f32At(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** dst[0..len) += src[0..len), four lanes at a time. */
// @ts-ignore: decorator
@inline
function addRow(dst: usize, src: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(f32At(dst, i), f32x4.add(v128.load(f32At(dst, i)), v128.load(f32At(src, i))));
  for (; i < len; i++) store<f32>(f32At(dst, i), load<f32>(f32At(dst, i)) + load<f32>(f32At(src, i)));
}

/**
 * The row segments im2col copies, as in the JS reference: for offset k, channel
 * ch, example e and output row y, `len` values from x at `from` to cols at `to`
 * (element indices). mode 0 copies x → cols (im2col), mode 1 adds cols → x
 * (col2im).
 */
function walk(mode: i32, c: i32, n: i32, h: i32, w: i32, x: usize, cols: usize): void {
  const hw = h * w;
  for (let k = 0; k < 9; k++) {
    const oy = k / 3 - 1;
    const ox = (k % 3) - 1;
    const x0 = ox < 0 ? -ox : 0;
    const len = w - (ox < 0 ? -ox : ox);
    const y0 = oy < 0 ? -oy : 0;
    const y1 = oy > 0 ? h - oy : h;
    for (let ch = 0; ch < c; ch++) {
      for (let e = 0; e < n; e++) {
        const src = (ch * n + e) * hw;
        const dst = ((k * c + ch) * n + e) * hw;
        for (let y = y0; y < y1; y++) {
          const to = f32At(cols, dst + y * w + x0);
          const from = f32At(x, src + (y + oy) * w + x0 + ox);
          if (mode == 0) memory.copy(to, from, <usize>len << 2);
          else addRow(from, to, len);
        }
      }
    }
  }
}

/** cols [9·C, N·H·W] from x [C, N·H·W]: each 3×3 offset's shifted copy, zeros outside (padding 1). */
export function im2col(c: i32, n: i32, h: i32, w: i32, x: usize, cols: usize): void {
  memory.fill(cols, 0, <usize>(9 * c * n * h * w) << 2);
  walk(0, c, n, h, w, x, cols);
}

/** x [C, N·H·W] = the adjoint of im2col applied to cols. */
export function col2im(c: i32, n: i32, h: i32, w: i32, cols: usize, x: usize): void {
  memory.fill(x, 0, <usize>(c * n * h * w) << 2);
  walk(1, c, n, h, w, x, cols);
}

/**
 * 2×2 max pooling, stride 2, over `rows` rows of width w (rows even): y gets
 * each block's maximum, argmax which of its cells (0 top-left, 1 top-right,
 * 2, 3), the first in that order on ties.
 */
export function maxPoolForward(rows: i32, w: i32, x: usize, y: usize, argmax: usize): void {
  poolScalar(rows, w, x, y, argmax, false);
}

/** The max pool's backward: each of the `count` gradients to its block's winning cell, zeros elsewhere. */
export function maxPoolBackward(count: i32, w: i32, d: usize, argmax: usize, out: usize): void {
  spreadToWinners(count, w, d, argmax, 0, out);
}

/** Each gradient to its block's winning cell (times y > 0 ? 1 : 0 where y ≠ 0, a constant where inlined), zeros elsewhere. */
// @ts-ignore: decorator
@inline
function spreadToWinners(count: i32, w: i32, d: usize, argmax: usize, y: usize, out: usize): void {
  memory.fill(out, 0, <usize>(4 * count) << 2);
  const half = w >> 1;
  for (let o = 0; o < count; o++) {
    const r = 2 * (o / half);
    const j = o % half;
    const q = <i32>load<u8>(argmax + <usize>o);
    let v = load<f32>(f32At(d, o));
    if (y != 0) v = v * <f32>(load<f32>(f32At(y, o)) > 0 ? 1 : 0);
    store<f32>(f32At(out, (r + (q >> 1)) * w + 2 * j + (q & 1)), v);
  }
}

/** The global average pool's backward: out[i·hw + p] = d[i] / hw (computed in f64 and rounded, as JS does). */
export function avgPoolBackward(count: i32, hw: i32, d: usize, out: usize): void {
  for (let i = 0; i < count; i++) {
    const v = <f32>(<f64>load<f32>(f32At(d, i)) / <f64>hw);
    const base = i * hw;
    for (let p = 0; p < hw; p++) store<f32>(f32At(out, base + p), v);
  }
}

/** relu(z) as the reference compares it: z where z > 0 (or NaN, which propagates), else +0. */
// @ts-ignore: decorator
@inline
function relu4(z: v128): v128 {
  return v128.and(z, v128.or(f32x4.gt(z, f32x4.splat(0)), f32x4.ne(z, z)));
}

/**
 * maxPoolForward of relu(z), without materialising relu(z): four outputs at a
 * time (the even and odd columns of two rows split by shuffles), the same
 * strict comparisons in the same order as the scalar loop, so the same winner
 * on ties. Rows of width w with w/2 a multiple of 4 take the vector path.
 */
export function reluMaxPoolForward(rows: i32, w: i32, z: usize, y: usize, argmax: usize): void {
  const half = w >> 1;
  if ((half & 3) != 0) {
    reluMaxPoolScalar(rows, w, z, y, argmax);
    return;
  }
  const one = i32x4.splat(1);
  for (let r = 0; r < rows; r += 2) {
    for (let j = 0; j < half; j += 4) {
      const top = at4(z, r * w + 2 * j);
      const bottom = top + (<usize>w << 2);
      const t0 = relu4(v128.load(top));
      const t1 = relu4(v128.load(top, 16));
      const b0 = relu4(v128.load(bottom));
      const b1 = relu4(v128.load(bottom, 16));
      let best = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
      let which = i32x4.splat(0);
      const cell1 = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
      let m = f32x4.gt(cell1, best);
      best = v128.bitselect(cell1, best, m);
      which = v128.bitselect(one, which, m);
      const cell2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
      m = f32x4.gt(cell2, best);
      best = v128.bitselect(cell2, best, m);
      which = v128.bitselect(i32x4.splat(2), which, m);
      const cell3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      m = f32x4.gt(cell3, best);
      best = v128.bitselect(cell3, best, m);
      which = v128.bitselect(i32x4.splat(3), which, m);
      const o = (r >> 1) * half + j;
      v128.store(at4(y, o), best);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(which, which), i16x8.splat(0));
      v128.store32_lane(argmax + <usize>o, bytes, 0);
    }
  }
}

// @ts-ignore: decorator
@inline
function at4(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

function reluMaxPoolScalar(rows: i32, w: i32, z: usize, y: usize, argmax: usize): void {
  poolScalar(rows, w, z, y, argmax, true);
}

/** 2×2 max pooling one block at a time, of relu(x) where `relu` (a constant where inlined). */
// @ts-ignore: decorator
@inline
function poolScalar(rows: i32, w: i32, x: usize, y: usize, argmax: usize, relu: bool): void {
  const half = w >> 1;
  for (let r = 0; r < rows; r += 2) {
    for (let j = 0; j < half; j++) {
      const top = r * w + 2 * j;
      let best = 0;
      let v = cell(x, top, relu);
      const c1 = cell(x, top + 1, relu);
      if (c1 > v) {
        best = 1;
        v = c1;
      }
      const c2 = cell(x, top + w, relu);
      if (c2 > v) {
        best = 2;
        v = c2;
      }
      const c3 = cell(x, top + w + 1, relu);
      if (c3 > v) {
        best = 3;
        v = c3;
      }
      const o = (r >> 1) * half + j;
      store<f32>(f32At(y, o), v);
      store<u8>(argmax + <usize>o, <u8>best);
    }
  }
}

// @ts-ignore: decorator
@inline
function cell(x: usize, i: i32, relu: bool): f32 {
  const v = load<f32>(f32At(x, i));
  return relu ? relu1(v) : v;
}

// @ts-ignore: decorator
@inline
function relu1(z: f32): f32 {
  return z > 0 || z != z ? z : 0;
}

/**
 * The backward of reluMaxPoolForward: each of the `count` gradients to its
 * block's winning cell times the ReLU's gate there (1 where the pooled value y
 * is positive, which is where the winner's pre-activation was), zeros
 * elsewhere — the bits of maxPoolBackward followed by tf.mul(·, tf.step(z)).
 */
export function maxPoolReluBackward(count: i32, w: i32, d: usize, argmax: usize, y: usize, out: usize): void {
  spreadToWinners(count, w, d, argmax, y, out);
}

/** out = d · (a > 0 ? 1 : 0), a = relu(z): the bits of tf.mul(d, tf.step(z)). */
export function reluBackward(count: i32, d: usize, a: usize, out: usize): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const gate = v128.and(one, f32x4.gt(v128.load(f32At(a, i)), zero));
    v128.store(f32At(out, i), f32x4.mul(v128.load(f32At(d, i)), gate));
  }
  for (; i < count; i++) {
    const gate: f32 = load<f32>(f32At(a, i)) > 0 ? 1 : 0;
    store<f32>(f32At(out, i), load<f32>(f32At(d, i)) * gate);
  }
}
