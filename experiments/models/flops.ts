// FLOP counts of the models' steps (a multiply-add counts as 2): the bench compares steps/s
// with the machine's matMul ceiling, and the experiments state their training work in them.
import type { CnnSizes } from './cnn.ts';
import { layerShapes } from './mlp.ts';

/** FLOPs of one forward + backward step of an MLP on B examples (multiply-add = 2). */
export function mlpStepFlops(sizes: number[], batch: number): number {
  const weights = layerShapes(sizes).map(([i, o]) => i * o);
  const all = weights.reduce((a, w) => a + w, 0);
  // forward zᵀ = Wᵀhᵀ, weight gradient h·dzᵀ, input gradient W·dz (not for the first layer).
  return 2 * batch * (all + all + (all - weights[0]));
}

/**
 * FLOPs of forward + backward of the CNN on n images: per convolution the
 * product Wᵀ·cols, the weight gradient cols·dzᵀ and (after the first) the
 * input gradient W·dz, each 2·n·H·W·9·C_in·C_out; the linear layer likewise.
 */
export function cnnStepFlops(s: CnnSizes, n: number): number {
  let flops = 0;
  let side = s.side;
  for (let l = 0; l < 4; l++) {
    flops += (l === 0 ? 2 : 3) * 2 * n * side * side * 9 * s.channels[l] * s.channels[l + 1];
    if (l < 3) side /= 2;
  }
  return flops + 3 * 2 * n * s.channels[4] * s.classes;
}
