// The curve recorder of an MLP experiment's mask stages: accuracy on a fixed
// every-n-th subset of each evaluation set, under the binary mask of the step.
import { invert, type BinaryMask } from '../masking/binary-mask.ts';
import { CurveRecorder } from '../masking/curve-recorder.ts';
import type { MlpHostParams } from '../models/mlp.ts';
import type { Pass } from '../train/passes.ts';
import type { EvalSet } from './accuracy-table.ts';
import { accuracyOf, disposeWeights, predictPass, uploadMasked } from './evaluate-mlp.ts';
import { INVERTED_PREFIX } from '../tasks/names.ts';

/** How densely the mask stages' curves are measured. */
export interface CurveConfig {
  /** Checkpoints per stage (plus step 0). */
  points: number;
  /** Every n-th example of each evaluation set is measured (n prime to 100: the sets enumerate a 100 × 100 operand grid). */
  stride: number;
}

/** Every n-th example of a pass. */
export function everyNth(pass: Pass, n: number): Pass {
  const count = Math.ceil(pass.n / n);
  const inputSize = pass.x.length / pass.n;
  const x = new Float32Array(count * inputSize);
  const targets = new Uint8Array(count * pass.digits);
  for (let k = 0; k < count; k++) {
    x.set(pass.x.subarray(k * n * inputSize, (k * n + 1) * inputSize), k * inputSize);
    targets.set(pass.targets.subarray(k * n * pass.digits, (k * n + 1) * pass.digits), k * pass.digits);
  }
  return { ...pass, x, targets, n: count };
}

/** Prefix of the evaluation sets measured under the inverted mask. */
export const INVERTED = INVERTED_PREFIX;

export function mlpCurveRecorder(
  params: MlpHostParams,
  sets: EvalSet[],
  cfg: CurveConfig,
  at: { seed: number; variant: string; layers: string[]; compare: [string, string][] },
): CurveRecorder {
  const subsets = sets.map((s) => ({ evalSet: s.evalSet, pass: everyNth(s.pass, cfg.stride) }));
  return new CurveRecorder({
    seed: at.seed,
    variant: at.variant,
    points: cfg.points,
    compare: at.compare,
    layers: at.layers.map((id, tensor) => ({ id, tensor })),
    evaluate(masks: BinaryMask[], mask: string) {
      const on = (m: BinaryMask[], prefix: string) => {
        const layers = uploadMasked(params, m);
        try {
          return subsets.map((s) => ({ evalSet: `${prefix}${s.evalSet}`, accuracy: accuracyOf(predictPass(layers, params.sizes[0], s.pass), s.pass) }));
        } finally {
          disposeWeights(layers);
        }
      };
      // The inverted mask too (every weight this one removed), except for the control: the inverted-mask claims.
      return [...on(masks, ''), ...(mask === 'control' ? [] : on(masks.map(invert), INVERTED))];
    },
  });
}
