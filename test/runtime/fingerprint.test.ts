// The numerics fingerprint is what makes a refactor cheap and a change of
// numbers visible: the same code gives the same fingerprint run after run, and
// one ulp in one element of one kernel's output changes it (so the published
// artifacts would be stale).
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../experiments/masking/kernels/types.ts';
import { computeFingerprint } from '../../experiments/runtime/fingerprint.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';
import { useBackend } from '../helpers/backend.ts';

/** The same kernels, but the first Adam update's first parameter moves one ulp further. */
function oneUlpOff(base: Kernels): Kernels {
  let done = false;
  const bound = new Proxy(base, {
    get: (t, k) => {
      const v = Reflect.get(t, k);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return Object.assign(Object.create(bound) as Kernels, {
    adam(...args: Parameters<Kernels['adam']>) {
      base.adam(...args);
      if (done) return;
      done = true;
      // wasm-simd's read is a live view of the tfjs heap: the change lands in the tensor itself.
      const view = base.read(args[0].param.t);
      const before = view[0];
      new Uint32Array(view.buffer, view.byteOffset, 1)[0] += 1;
      if (base.read(args[0].param.t)[0] === before) throw new Error('read() is not a live view on this backend');
    },
  });
}

describe('numerics fingerprint', () => {
  it('is the same twice for the same code, and changes with one ulp in a kernel', async () => {
    const { kernels } = await useBackend('wasm');
    const a = computeFingerprint(addMul, kernels);
    expect(computeFingerprint(addMul, kernels)).toBe(a);
    expect(computeFingerprint(addMul, oneUlpOff(kernels))).not.toBe(a);
  }, 120_000);
});
