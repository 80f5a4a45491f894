// The uniform noise behind each mask sample, as JS numbers: exactly the values
// the WebAssembly kernel computes in its lanes (same hash, same 24-bit mapping).
// Used by the js and tf-ops kernels, and by the tests as the reference.
import { hash32 } from '../../runtime/rng.ts';

/** u_i = (top 24 bits of hash32(seed + i) + 0.5) / 2^24, strictly inside (0, 1). */
export function uniformNoise(seed: number, n: number, out = new Float32Array(n)): Float32Array {
  for (let i = 0; i < n; i++) out[i] = ((hash32((seed + i) | 0) >>> 8) + 0.5) * 5.9604644775390625e-8;
  return out;
}
