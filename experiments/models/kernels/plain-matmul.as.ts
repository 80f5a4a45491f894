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
// Tiling: 4 rows of A × 8 columns of B in 8 vector accumulators; rows past the
// end of A repeat its last row and are not stored. Columns are taken in blocks
// whose slice of B (k × block floats) stays in the L2 cache while every row
// tile of A passes over it.

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** Floats of B kept hot per column block (128 KiB). */
const BLOCK_FLOATS: i32 = 32768;

/** C[m, n] = A[m, k] · B[k, n], row-major, n a multiple of 8, m ≥ 1, k ≥ 1 (byte addresses). */
export function matMul(m: i32, k: i32, n: i32, a: usize, b: usize, c: usize): void {
  const block = max(8, (BLOCK_FLOATS / k) & ~7);
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = min(n, j0 + block);
    for (let i = 0; i < m; i += 4) {
      for (let j = j0; j < j1; j += 8) tile(m, k, n, i, j, a, b, c);
    }
  }
}

// @ts-ignore: decorator
@inline
function tile(m: i32, k: i32, n: i32, i: i32, j: i32, a: usize, b: usize, c: usize): void {
  const stride = <usize>n << 2;
  const last = m - 1;
  const a0 = at(a, i * k);
  const a1 = at(a, min(i + 1, last) * k);
  const a2 = at(a, min(i + 2, last) * k);
  const a3 = at(a, min(i + 3, last) * k);
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  let bp = at(b, j);
  const end = <usize>k << 2;
  for (let o: usize = 0; o < end; o += 4) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0 + o);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(a1 + o);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(a2 + o);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(a3 + o);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    bp += stride;
  }
  const out = at(c, i * n + j);
  v128.store(out, c00);
  v128.store(out, c01, 16);
  if (i + 1 < m) {
    v128.store(out + stride, c10);
    v128.store(out + stride, c11, 16);
  }
  if (i + 2 < m) {
    v128.store(out + 2 * stride, c20);
    v128.store(out + 2 * stride, c21, 16);
  }
  if (i + 3 < m) {
    v128.store(out + 3 * stride, c30);
    v128.store(out + 3 * stride, c31, 16);
  }
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
