// Vector math shared by the AssemblyScript kernels (inlined into each module,
// so no module imports anything but memory).

// Fast exp on 4 lanes: e^x = 2^n * 2^f with n = round(x log2 e), |f| <= 0.5,
// 2^f from a degree-6 polynomial (relative error < 2e-7 on that range).
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-88.0));
  const t = f32x4.mul(x, f32x4.splat(1.4426950408889634));
  const n = f32x4.nearest(t);
  const f = f32x4.sub(t, n);
  // 2^f = e^(f ln2): Taylor coefficients of e^y with y = f ln 2.
  const y = f32x4.mul(f, f32x4.splat(0.6931471805599453));
  let p = f32x4.splat(1.3888888888888889e-3);
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(8.333333333333333e-3));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(4.1666666666666664e-2));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(0.16666666666666666));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(1.0));
  // Scale by 2^n by adding n to the exponent bits.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  return i32x4.add(p, i32x4.shl(ni, 23));
}
