// Seeded random numbers of our own. tfjs initialisers and tf.randomUniform are
// not reliably seedable across backends (docs/design.md), so every random draw in the
// project (init, data, mask noise) comes from here and is uploaded as a tensor.

/** lowbias32 (Chris Wellons): a fast 32-bit integer hash with good avalanche. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Mixes several integers into one 32-bit key (order matters). */
export function mixKey(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = hash32((h ^ hash32(p | 0)) + 0x632be5ab);
  return h >>> 0;
}

/** A 32-bit key from a text label, so streams can be named ("init", "data"). */
export function labelKey(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return hash32(h);
}

/**
 * Small fast PRNG (sfc32) for sequential draws: data sampling and weight init.
 * Streams are derived from (seed, label) so that adding a new stream never
 * changes the numbers of an existing one.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, label = '') {
    const k = mixKey(seed, labelKey(label));
    this.a = hash32(k ^ 0x1234567);
    this.b = hash32(k ^ 0x89abcde);
    this.c = hash32(k ^ 0x5a5a5a5);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** The generator's whole state: a stream restored from it continues where this one is. */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  restore(state: readonly number[]): void {
    if (state.length !== 4 || !state.every(Number.isInteger)) throw new Error(`Rng: not a state: ${JSON.stringify(state)}`);
    [this.a, this.b, this.c, this.d] = state.map((x) => x | 0);
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller; one value per call, the pair's twin is dropped for simplicity). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fills an array with U(lo, hi). */
  fillUniform(out: Float32Array, lo: number, hi: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** A permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
