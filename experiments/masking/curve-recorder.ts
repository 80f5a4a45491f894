// Training curves of mask stages: about `points` times per stage (and at step 0
// and the last step), the binary mask of that step (logit > 0) is measured on
// fixed, cheap subsets: accuracy per evaluation set, kept fraction per layer,
// and, for the mask pairs a headline claim compares, their per-layer IoU at the
// same step (the earlier stage's masks are kept, bit-packed, for the later one).
// Reading the logits and evaluating touches no random stream, so the masks a
// stage ends with are the same with or without a recorder.
import type { CurveRow } from '../artifacts/schema.ts';
import { binarize, countKept, packBits, type BinaryMask } from './binary-mask.ts';

export interface CurveSpec {
  seed: number;
  variant: string;
  /** Checkpoints per stage besides step 0 (the last step is always one). */
  points: number;
  /** Layer ids of the masked tensors that kept and IoU are reported for, and which tensor each is. */
  layers: { id: string; tensor: number }[];
  /** Accuracy of the frozen network under mask `mask`'s binary masks (one per masked tensor) on the fixed curve subsets. */
  evaluate(masks: BinaryMask[], mask: string): { evalSet: string; accuracy: number }[];
  /** [a, b] mask ids: at each checkpoint of b, its IoU with a's mask at the same step (a is trained first). */
  compare: [string, string][];
}

/** The steps a stage of `steps` steps is measured at: 0, every ⌈steps / points⌉, and the last. */
export function checkpointSteps(steps: number, points: number): number[] {
  const every = Math.max(1, Math.ceil(steps / points));
  const out: number[] = [];
  for (let s = 0; s < steps; s += every) out.push(s);
  out.push(steps);
  return out;
}

/** Curves are read off a chart: four decimals keep the artifact small. */
const round = (v: number) => Math.round(v * 1e4) / 1e4;

const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let b = i; b; b >>= 1) n += b & 1;
  return n;
});

function iouOfPacked(a: Uint8Array, b: Uint8Array): number {
  let inter = 0,
    union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += POPCOUNT[a[i] & b[i]];
    union += POPCOUNT[a[i] | b[i]];
  }
  return union === 0 ? 0 : inter / union;
}

export class CurveRecorder {
  readonly rows: CurveRow[] = [];
  /** Packed masks per compared-against stage and step, per layer. */
  private readonly snapshots = new Map<string, Map<number, Uint8Array[]>>();

  constructor(private readonly spec: CurveSpec) {}

  steps(stageSteps: number): number[] {
    return checkpointSteps(stageSteps, this.spec.points);
  }

  /** Measures mask `mask` at `step` from its logits (one array per masked tensor, the full set) and files it. */
  record(mask: string, step: number, logits: Float32Array[]): void {
    this.file(this.measure(mask, step, logits));
  }

  /**
   * What one checkpoint of one stage measures on its own: accuracy and kept
   * rows, and the packed masks of the reported layers. A stage run as a job of
   * its own keeps these (runtime/stage-store.ts); the comparisons with other
   * stages need those stages' masks and are made when it is filed.
   */
  measure(mask: string, step: number, logits: Float32Array[]): CurveMeasurement {
    const { seed, variant } = this.spec;
    const masks = logits.map(binarize);
    const at = { seed, variant, mask, step };
    const rows: CurveRow[] = this.spec.evaluate(masks, mask).map((r) => ({ ...at, metric: 'accuracy', subject: r.evalSet, value: round(r.accuracy) }));
    const packed = this.spec.layers.map((l) => packBits(masks[l.tensor]));
    for (const l of this.spec.layers) rows.push({ ...at, metric: 'kept', subject: l.id, value: round(countKept(masks[l.tensor]) / masks[l.tensor].length) });
    return { mask, step, rows, packed };
  }

  /** Adds a measurement's rows, and its IoU with the compared stage's mask at the same step (filed before it). */
  file(m: CurveMeasurement): void {
    const { seed, variant } = this.spec;
    const { mask, step, packed } = m;
    this.rows.push(...m.rows);
    if (this.spec.compare.some(([a]) => a === mask)) {
      if (!this.snapshots.has(mask)) this.snapshots.set(mask, new Map());
      this.snapshots.get(mask)!.set(step, packed);
    }
    for (const [a, b] of this.spec.compare) {
      if (b !== mask) continue;
      const earlier = this.snapshots.get(a)?.get(step);
      if (!earlier) throw new Error(`curve: ${a} has no checkpoint at step ${step} to compare ${b} with (train ${a} first, with the same stage length)`);
      this.spec.layers.forEach((l, k) =>
        this.rows.push({ seed, variant, mask, step, metric: 'iou', subject: l.id, against: a, value: round(iouOfPacked(earlier[k], packed[k])) }),
      );
    }
  }
}

/** One checkpoint of one stage, measured (CurveRecorder.measure). */
export interface CurveMeasurement {
  mask: string;
  step: number;
  rows: CurveRow[];
  /** Bit-packed masks of the spec's layers, in its order. */
  packed: Uint8Array[];
}
