// A plain row-major matrix product C = A·B in AssemblyScript → WebAssembly SIMD,
// on the tfjs-wasm heap (like the other kernels here).
//
// Why: tfjs-wasm's matMul hands the second operand to XNNPACK, which packs it
// into its own blocked layout first and caches that by tensor id. Every operand
// of the CNN's products is new each step (im2col's columns, the incoming
// gradient), so each product paid for packing a copy of a large matrix: the
// first convolution's 16×27·27×16384 product took 2.7 ms, of which the
// arithmetic is 0.8 (docs/design.md, "measured tfjs facts"). This kernel reads
// B where it lies.
//
// Bits: every output is summed over k in order from 0, product then sum, each
// rounded to float32 (WebAssembly has no fused multiply-add), starting from 0 —
// the order XNNPACK's kernels use, so the results equal tf.matMul's bit for bit
// (test/models/plain-matmul.test.ts compares them on every shape the CNN uses).
//
// Tiling: 4 rows of A × 8 columns of B in 8 vector accumulators; rows past
// the end of A repeat its last row and are not stored; the last n mod 8
// columns are one more tile that loads only those lanes. Columns are taken in blocks
// whose slice of B (k × block floats) stays in the L2 cache while every row
// tile of A passes over it.

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** Floats of B kept hot per column block (256 KiB, half of a core's L2 here): wide enough that A, streamed once per block, is not re-read for thin B. */
const BLOCK_FLOATS: i32 = 65536;

/** C[m, n] = A[m, k] · B[k, n], row-major, m, k, n ≥ 1 (byte addresses); scratch as for matMulStacked. */
export function matMul(m: i32, k: i32, n: i32, a: usize, b: usize, c: usize, scratch: usize): void {
  matMulStacked(m, k, 0, n, a, b, 0, 0, c, scratch);
}

/** Floats of scratch that matMulStacked needs to pack B for these sizes. */
export function packFloats(k: i32): i32 {
  return max(8, (BLOCK_FLOATS / k) & ~7) * k;
}

/**
 * C[m, n] = A[m, k1 + k2] · [B1; B2] (+ bias[i] on row i when bias ≠ 0): B's
 * rows in two tensors, B1 [k1, n] then B2 [k2, n] (k2 may be 0), summed in that
 * order — the bits of tf.add(tf.matMul(A, tf.concat([B1, B2])), bias) without
 * the concatenation (the LSTM's gates from [x; h]).
 */
export function matMulStacked(m: i32, k1: i32, k2: i32, n: i32, a: usize, b1: usize, b2: usize, bias: usize, c: usize, scratch: usize): void {
  const k = k1 + k2;
  const n8 = n & ~7;
  const block = max(8, (BLOCK_FLOATS / k) & ~7);
  const stride = <usize>n << 2;
  for (let j0 = 0; j0 < n8; j0 += block) {
    const j1 = min(n8, j0 + block);
    if (scratch != 0) {
      // The block's columns as panels of 8, each k rows of 8 floats in a row:
      // the tiles then read B in order instead of one cache line (and, for
      // wide B, one page) per row of it.
      pack(k1, n, j0, j1, b1, scratch, k);
      if (k2 > 0) pack(k2, n, j0, j1, b2, scratch + (<usize>(k1 * 8) << 2), k);
      for (let i = 0; i < m; i += 4) {
        for (let j = j0; j < j1; j += 8) tile(m, k, 0, n, i, j, a, scratch + (<usize>((j - j0) * k) << 2), 0, 0, 32, bias, c, 8);
      }
      continue;
    }
    for (let i = 0; i < m; i += 4) {
      for (let j = j0; j < j1; j += 8) tile(m, k1, k2, n, i, j, a, b1, b2, j, stride, bias, c, 8);
    }
  }
  if (n8 == n) return;
  // The last n mod 8 columns: one more tile that loads only those lanes of B
  // (the others zero, and not stored). Reading all eight lanes, on into B's
  // next row and past its end, made thin products 2–12× slower (512×144 by one
  // column: 605 µs, now 48; the SCAN decoder's last steps, one to seven
  // sequences wide, took more time than all its wide steps). Past the end of B
  // the extra lanes hold whatever the heap holds; where that is a denormal
  // float, the lane's sum turns denormal and every add to it is a microcode
  // assist (on a memory of its own, the same product: 66 µs with zeros after B,
  // 285 µs with denormals).
  for (let i = 0; i < m; i += 4) tile(m, k1, k2, n, i, n8, a, b1, b2, n8, stride, bias, c, n - n8);
}

/**
 * Rows `rows` of B [rows, n], columns j0..j1 − 1 (whole panels of 8), into
 * panels at dst: panel q holds its 8 columns for `panelRows` rows (B's first
 * rows come at the panel's start; dst may point into a panel, for B2 after B1).
 */
function pack(rows: i32, n: i32, j0: i32, j1: i32, b: usize, dst: usize, panelRows: i32): void {
  const panel = <usize>(panelRows * 8) << 2;
  for (let p = 0; p < rows; p++) {
    let from = at(b, p * n + j0);
    let to = dst + (<usize>(p * 8) << 2);
    for (let j = j0; j < j1; j += 8) {
      v128.store(to, v128.load(from));
      v128.store(to, v128.load(from, 16), 16);
      from += 32;
      to += panel;
    }
  }
}

/**
 * Rows i..i+3 × columns j..j+7 of C; the first `lanes` columns are computed
 * and stored. B's rows start at column bj of b1 (then b2) and lie bStride
 * bytes apart.
 */
// @ts-ignore: decorator
@inline
function tile(
  m: i32,
  k1: i32,
  k2: i32,
  n: i32,
  i: i32,
  j: i32,
  a: usize,
  b1: usize,
  b2: usize,
  bj: i32,
  bStride: usize,
  bias: usize,
  c: usize,
  lanes: i32,
): void {
  const k = k1 + k2;
  const stride = <usize>n << 2;
  const i1 = min(i + 1, m - 1);
  const i2 = min(i + 2, m - 1);
  const i3 = min(i + 3, m - 1);
  const a0 = at(a, i * k);
  const a1 = at(a, i1 * k);
  const a2 = at(a, i2 * k);
  const a3 = at(a, i3 * k);
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  // B's lanes: the first lo in b0, the next hi in b1v. A whole tile (lanes 8, a
  // constant where tile() is inlined for it) reads both vectors whole; a column
  // tail loads only its own lanes (loadLanes), the rest zero.
  const lo = min(lanes, 4);
  const hi = lanes - lo;
  // The two segments of B, one after the other: o runs over A's columns.
  let o: usize = 0;
  for (let segment = 0; segment < 2; segment++) {
    let bp = at(segment == 0 ? b1 : b2, bj);
    const end = o + (<usize>(segment == 0 ? k1 : k2) << 2);
    if (hi == 0) {
      // Up to 4 lanes: one accumulator per row.
      for (; o < end; o += 4) {
        const b0 = loadLanes(bp, lo);
        c00 = f32x4.add(c00, f32x4.mul(v128.load32_splat(a0 + o), b0));
        c10 = f32x4.add(c10, f32x4.mul(v128.load32_splat(a1 + o), b0));
        c20 = f32x4.add(c20, f32x4.mul(v128.load32_splat(a2 + o), b0));
        c30 = f32x4.add(c30, f32x4.mul(v128.load32_splat(a3 + o), b0));
        bp += bStride;
      }
      continue;
    }
    for (; o < end; o += 4) {
      const b0 = v128.load(bp);
      const b1v = hi == 4 ? v128.load(bp, 16) : loadLanes(bp + 16, hi);
      let s = v128.load32_splat(a0 + o);
      c00 = f32x4.add(c00, f32x4.mul(s, b0));
      c01 = f32x4.add(c01, f32x4.mul(s, b1v));
      s = v128.load32_splat(a1 + o);
      c10 = f32x4.add(c10, f32x4.mul(s, b0));
      c11 = f32x4.add(c11, f32x4.mul(s, b1v));
      s = v128.load32_splat(a2 + o);
      c20 = f32x4.add(c20, f32x4.mul(s, b0));
      c21 = f32x4.add(c21, f32x4.mul(s, b1v));
      s = v128.load32_splat(a3 + o);
      c30 = f32x4.add(c30, f32x4.mul(s, b0));
      c31 = f32x4.add(c31, f32x4.mul(s, b1v));
      bp += bStride;
    }
  }
  if (bias != 0) {
    // After the sum, one rounding, as tf.add does.
    let v = v128.load32_splat(at(bias, i));
    c00 = f32x4.add(c00, v);
    c01 = f32x4.add(c01, v);
    v = v128.load32_splat(at(bias, i1));
    c10 = f32x4.add(c10, v);
    c11 = f32x4.add(c11, v);
    v = v128.load32_splat(at(bias, i2));
    c20 = f32x4.add(c20, v);
    c21 = f32x4.add(c21, v);
    v = v128.load32_splat(at(bias, i3));
    c30 = f32x4.add(c30, v);
    c31 = f32x4.add(c31, v);
  }
  const out = at(c, i * n + j);
  storeRow(out, c00, c01, lanes);
  if (i + 1 < m) storeRow(out + stride, c10, c11, lanes);
  if (i + 2 < m) storeRow(out + 2 * stride, c20, c21, lanes);
  if (i + 3 < m) storeRow(out + 3 * stride, c30, c31, lanes);
}

/** The first `lanes` (1–4) floats at p in a vector, the other lanes 0; reads nothing past them. */
// @ts-ignore: decorator
@inline
function loadLanes(p: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(p);
  if (lanes == 1) return v128.load32_zero(p);
  if (lanes == 2) return v128.load64_zero(p);
  return v128.load32_lane(p, v128.load64_zero(p), 2, 8);
}

/** The first `lanes` (1–8) of the eight values lo, hi to out. */
// @ts-ignore: decorator
@inline
function storeRow(out: usize, lo: v128, hi: v128, lanes: i32): void {
  if (lanes == 8) {
    v128.store(out, lo);
    v128.store(out, hi, 16);
    return;
  }
  let v = lo;
  let to = out;
  if (lanes >= 4) {
    v128.store(out, lo);
    v = hi;
    to = out + 16;
  }
  const rest = lanes & 3;
  if (rest > 0) store<f32>(to, f32x4.extract_lane(v, 0));
  if (rest > 1) store<f32>(to, f32x4.extract_lane(v, 1), 4);
  if (rest > 2) store<f32>(to, f32x4.extract_lane(v, 2), 8);
}

/** T[n, m] = X[m, n]ᵀ, row-major (byte addresses); 4×4 blocks through vector shuffles where they fit. */
export function transpose(m: i32, n: i32, x: usize, t: usize): void {
  const m4 = m & ~3;
  const n4 = n & ~3;
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      const r0 = v128.load(at(x, i * n + j));
      const r1 = v128.load(at(x, (i + 1) * n + j));
      const r2 = v128.load(at(x, (i + 2) * n + j));
      const r3 = v128.load(at(x, (i + 3) * n + j));
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      v128.store(at(t, j * m + i), v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(at(t, (j + 1) * m + i), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(at(t, (j + 2) * m + i), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(at(t, (j + 3) * m + i), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (let j = n4; j < n; j++) for (let r = i; r < i + 4; r++) store<f32>(at(t, j * m + r), load<f32>(at(x, r * n + j)));
  }
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) store<f32>(at(t, j * m + i), load<f32>(at(x, i * n + j)));
}

/**
 * Copies a rows × width block of floats from src (rows srcStride apart) to dst
 * (rows dstStride apart): one input of a concatenation along columns, or a
 * slice of columns. A move, so the bits are the input's.
 */
export function copyBlock(rows: i32, width: i32, srcStride: i32, dstStride: i32, src: usize, dst: usize): void {
  const bytes = <usize>width << 2;
  if (width >= 64) {
    for (let r = 0; r < rows; r++) memory.copy(dst + <usize>(r * dstStride) * 4, src + <usize>(r * srcStride) * 4, bytes);
    return;
  }
  // Narrow rows (an LSTM step's 16 columns): a loop, cheaper than a memory.copy call per row.
  for (let r = 0; r < rows; r++) {
    const from = src + <usize>(r * srcStride) * 4;
    const to = dst + <usize>(r * dstStride) * 4;
    let x: usize = 0;
    for (; x + 16 <= bytes; x += 16) v128.store(to + x, v128.load(from + x));
    for (; x < bytes; x += 4) store<i32>(to + x, load<i32>(from + x));
  }
}
