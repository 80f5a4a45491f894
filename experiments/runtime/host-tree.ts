// Host values (plain objects, arrays, finite numbers, strings, booleans and the
// typed arrays that weights, logits and packed masks live in) as JSON text, bit
// for bit: a typed array is written as its bytes in base64, so a value read back
// is equal to the one written to the last bit. Used for what a job keeps between
// its pieces (runtime/stage-store.ts): pre-trained weights, a finished stage's
// logits, a stage's mid-training checkpoint.
//
// Anything else (a tensor, a class instance, NaN, undefined inside an array) is
// refused when written, naming where it is: such a value could not come back as it was.

const TYPED = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array, u32: Uint32Array } as const;
type TypedTag = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedTag]>;

const TAG = '$typed';

function tagOf(v: ArrayBufferView): TypedTag | null {
  for (const [tag, ctor] of Object.entries(TYPED) as [TypedTag, (typeof TYPED)[TypedTag]][]) if (v.constructor === ctor) return tag;
  return null;
}

function toPlain(v: unknown, path: string): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`host-tree: ${path} is ${v} (only finite numbers are kept)`);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (ArrayBuffer.isView(v)) {
    const tag = tagOf(v);
    if (!tag) throw new Error(`host-tree: ${path} is a ${v.constructor.name} (not a kept typed array)`);
    return { [TAG]: tag, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (Array.isArray(v)) return v.map((x, i) => toPlain(x, `${path}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === TAG) throw new Error(`host-tree: ${path} has a key "${TAG}" (reserved)`);
      if (x !== undefined) out[k] = toPlain(x, `${path}.${k}`);
    }
    return out;
  }
  throw new Error(
    `host-tree: ${path} is ${v === undefined ? 'undefined' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : typeof v} (not a host value)`,
  );
}

function fromPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o[TAG] === 'string') {
      const ctor = TYPED[o[TAG] as TypedTag];
      if (!ctor || typeof o.data !== 'string') throw new Error(`host-tree: a typed array tagged "${String(o[TAG])}" is not readable`);
      const bytes = Buffer.from(o.data, 'base64');
      if (bytes.length % ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`host-tree: a ${o[TAG]} array of ${bytes.length} bytes`);
      // Copied into a buffer of its own: Buffer's pool offset need not be aligned.
      const out = new ctor(bytes.length / ctor.BYTES_PER_ELEMENT) as Typed;
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromPlain(x)]));
  }
  return v;
}

export function encodeHostTree(value: unknown): string {
  return JSON.stringify(toPlain(value, 'value'));
}

export function decodeHostTree<T>(text: string): T {
  return fromPlain(JSON.parse(text)) as T;
}
