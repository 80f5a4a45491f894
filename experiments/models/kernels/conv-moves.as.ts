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
  const half = w >> 1;
  for (let r = 0; r < rows; r += 2) {
    for (let j = 0; j < half; j++) {
      const top = r * w + 2 * j;
      let best = 0;
      let v = load<f32>(f32At(x, top));
      const c1 = load<f32>(f32At(x, top + 1));
      if (c1 > v) {
        best = 1;
        v = c1;
      }
      const c2 = load<f32>(f32At(x, top + w));
      if (c2 > v) {
        best = 2;
        v = c2;
      }
      const c3 = load<f32>(f32At(x, top + w + 1));
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

/** The max pool's backward: each of the `count` gradients to its block's winning cell, zeros elsewhere. */
export function maxPoolBackward(count: i32, w: i32, d: usize, argmax: usize, out: usize): void {
  memory.fill(out, 0, <usize>(4 * count) << 2);
  const half = w >> 1;
  for (let o = 0; o < count; o++) {
    const r = 2 * (o / half);
    const j = o % half;
    const q = <i32>load<u8>(argmax + <usize>o);
    store<f32>(f32At(out, (r + (q >> 1)) * w + 2 * j + (q & 1)), load<f32>(f32At(d, o)));
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
