// The kernels as plain loops over tensor memory: used on the cpu backend, and
// as the readable reference the fast WebAssembly kernels are tested against.
// The arithmetic follows mask-kernels.as.ts step by step, but in float64 and
// with the exact exp, so results agree to float32 rounding, not bit for bit.
import type * as tf from '@tensorflow/tfjs-core';
import type { HeapMemory } from '../../runtime/heap.ts';
import { HeapKernelsBase } from './heap-kernels-base.ts';
import { LOGIT_FLOOR } from './logit-floor.ts';
import type { AdamHyper, AdamSlots, Kernels, MaskSample, Slot } from './types.ts';
import { uniformNoise } from './uniform-noise.ts';

export function createJsKernels(mem: HeapMemory): Kernels {
  return new JsKernels(mem);
}

class JsKernels extends HeapKernelsBase implements Kernels {
  readonly name = 'js' as const;

  sigmoid(logits: tf.Tensor): tf.Tensor {
    const out = this.mem.alloc(logits.shape);
    const l = this.mem.view(logits);
    const p = this.mem.view(out);
    // The same floor as the WebAssembly kernel (mask-kernels.as.ts LOGIT_FLOOR): no denormal probabilities.
    for (let i = 0; i < l.length; i++) p[i] = 1 / (1 + Math.exp(-Math.max(l[i], LOGIT_FLOOR)));
    return out;
  }

  sampleMask(probs: tf.Tensor, weights: tf.Tensor, seed: number): MaskSample {
    const [rows, cols] = weights.shape;
    const masked = this.mem.alloc([rows, cols]);
    const maskedT = this.mem.alloc([cols, rows]);
    const factor = this.mem.alloc([rows, cols]);
    const u = uniformNoise(seed, weights.size);
    const p = this.mem.view(probs),
      w = this.mem.view(weights);
    const out = this.mem.view(masked),
      outT = this.mem.view(maskedT),
      f = this.mem.view(factor);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        // s = σ(L + log u − log(1−u)) written with p = σ(L): no logs needed.
        const pu = p[i] * u[i];
        const qu = (1 - p[i]) * (1 - u[i]);
        const keep = pu > qu;
        out[i] = keep ? w[i] : 0;
        outT[c * rows + r] = out[i];
        const s = pu / (pu + qu);
        f[i] = s * (1 - s) * w[i];
      }
    }
    return { masked, maskedT, factor };
  }

  accumulateProduct(acc: Slot, grad: tf.Tensor, factor: tf.Tensor): void {
    const a = this.mem.view(acc.t),
      g = this.mem.view(grad),
      f = this.mem.view(factor);
    for (let i = 0; i < a.length; i++) a[i] += g[i] * f[i];
  }

  accumulateMask(acc: Slot, grad: tf.Tensor, probs: tf.Tensor, seed: number): void {
    const a = this.mem.view(acc.t),
      g = this.mem.view(grad),
      p = this.mem.view(probs);
    const u = uniformNoise(seed, a.length);
    for (let i = 0; i < a.length; i++) a[i] += g[i] * (p[i] * u[i] > (1 - p[i]) * (1 - u[i]) ? 1 : 0);
  }

  sumSquares(grad: tf.Tensor, shift: number): number {
    const g = this.mem.view(grad);
    let s = 0;
    for (let i = 0; i < g.length; i++) s += (g[i] + shift) ** 2;
    return s;
  }

  adam(state: AdamSlots, grad: tf.Tensor, h: AdamHyper, shift: number, scale: number): void {
    state.step += 1;
    const c1 = 1 - h.beta1 ** state.step;
    const c2 = 1 - h.beta2 ** state.step;
    const p = this.mem.view(state.param.t),
      m = this.mem.view(state.m.t),
      v = this.mem.view(state.v.t);
    const g = this.mem.view(grad);
    for (let i = 0; i < p.length; i++) {
      const gi = (g[i] + shift) * scale;
      m[i] = h.beta1 * m[i] + (1 - h.beta1) * gi;
      v[i] = h.beta2 * v[i] + (1 - h.beta2) * gi * gi;
      p[i] -= ((h.lr / c1) * m[i]) / (Math.sqrt(v[i] / c2) + h.eps);
    }
  }

  transpose(src: tf.Tensor): tf.Tensor {
    const [rows, cols] = src.shape;
    const dst = this.mem.alloc([cols, rows]);
    const s = this.mem.view(src),
      d = this.mem.view(dst);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) d[c * rows + r] = s[r * cols + c];
    return dst;
  }
}
