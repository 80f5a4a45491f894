// What every pre-training loop (and the mask trainer) keeps per parameter
// tensor: the values and Adam's two moments on the backend, and the hyper-
// parameters of a step: PyTorch's Adam defaults with the learning rate decaying
// linearly from lr to lr · finalLrFactor over the run (constant at factor 1).
import type { Kernels } from '../masking/kernels/index.ts';
import type { AdamHyper, AdamSlots } from '../masking/kernels/types.ts';

/** A parameter tensor uploaded from host values, its moments at zero. */
export function adamSlots(kernels: Kernels, values: Float32Array, shape: number[]): AdamSlots {
  return { param: { t: kernels.fromHost(values, shape) }, m: { t: kernels.zeros(shape) }, v: { t: kernels.zeros(shape) }, step: 0 };
}

/** Adam's hyperparameters at `step` (from 1) of `steps`. */
export function adamHyper(cfg: { lr: number; finalLrFactor: number; steps: number }, step: number): AdamHyper {
  const lr = cfg.lr * (1 - ((1 - cfg.finalLrFactor) * (step - 1)) / Math.max(1, cfg.steps - 1));
  return { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
}

/** A host copy of a parameter's values. */
export function readParam(kernels: Kernels, s: AdamSlots): Float32Array {
  return Float32Array.from(kernels.read(s.param.t));
}

export function disposeSlots(slots: AdamSlots[]): void {
  for (const s of slots) for (const t of [s.param.t, s.m.t, s.v.t]) t.dispose();
}
