// The mask stages' training curves: the checkpoint steps, the IoU of two masks
// at the same step against a direct count, and that recording a curve leaves
// the trained logits bit-identical (it reads them, it draws no noise).
import { beforeAll, describe, expect, it } from 'vitest';
import { binarize } from '../../experiments/masking/binary-mask.ts';
import { checkpointSteps, CurveRecorder } from '../../experiments/masking/curve-recorder.ts';
import { uploadFrozen } from '../../experiments/masking/frozen-mlp.ts';
import { trainMaskStages } from '../../experiments/masking/train-stages.ts';
import type { MaskStageConfig } from '../../experiments/masking/train-mask-stage.ts';
import { initMlp } from '../../experiments/models/mlp.ts';
import type { ActiveBackend } from '../../experiments/runtime/backend.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { StageTimer } from '../../experiments/runtime/stage-timer.ts';
import type { Pass } from '../../experiments/train/passes.ts';
import { useBackend } from '../helpers/backend.ts';

const SIZES = [12, 16, 10, 20];
const CFG: MaskStageConfig = { steps: 30, batchSize: 8, samples: 4, lr: 5e-2, beta: 1e-2, logitInit: 0.5, gradClip: 1 };

function batch(rng: Rng, n: number): Pass[] {
  const x = rng.fillUniform(new Float32Array(n * SIZES[0]), 0, 1);
  const targets = new Uint8Array(n * 2).map(() => rng.int(10));
  return [{ x, targets, n, rowOffset: 0, digits: 2 }];
}

describe('curve recorder', () => {
  let active: ActiveBackend;
  beforeAll(async () => {
    active = await useBackend('wasm');
  });

  it('checkpoints at step 0, every ⌈steps / points⌉ and the last step', () => {
    expect(checkpointSteps(2000, 20)).toEqual([0, ...Array.from({ length: 19 }, (_, k) => 100 * (k + 1)), 2000]);
    expect(checkpointSteps(250, 4)).toEqual([0, 63, 126, 189, 250]);
    expect(checkpointSteps(3, 20)).toEqual([0, 1, 2, 3]);
  });

  it('records kept and IoU as a direct count gives them, at the same steps for both masks', () => {
    const layers = [{ id: 'l1', tensor: 0 }];
    const rec = new CurveRecorder({ seed: 1, variant: 'normal', points: 2, layers, compare: [['a', 'b']], evaluate: () => [{ evalSet: 's', accuracy: 0.5 }] });
    const la = [new Float32Array([1, 1, -1, -1, 1, -1, 1, -1, 1])];
    const lb = [new Float32Array([1, -1, 1, -1, 1, -1, -1, -1, 1])];
    rec.record('a', 10, la);
    rec.record('b', 10, lb);
    const [ma, mb] = [binarize(la[0]), binarize(lb[0])];
    const inter = ma.reduce((s, v, i) => s + (v & mb[i]), 0),
      union = ma.reduce((s, v, i) => s + (v | mb[i]), 0);
    expect(rec.rows.find((r) => r.metric === 'iou')).toEqual({
      seed: 1,
      variant: 'normal',
      mask: 'b',
      step: 10,
      metric: 'iou',
      subject: 'l1',
      against: 'a',
      value: Math.round((inter / union) * 1e4) / 1e4,
    });
    expect(rec.rows.filter((r) => r.metric === 'kept').map((r) => r.value)).toEqual([Math.round((5 / 9) * 1e4) / 1e4, Math.round((4 / 9) * 1e4) / 1e4]);
    expect(() => rec.record('b', 20, lb)).toThrow(/a has no checkpoint at step 20/);
  });

  it('recording a curve leaves the trained logits bit-identical', () => {
    const params = initMlp(SIZES, new Rng(1, 'init'));
    const run = (curve?: CurveRecorder) => {
      const net = uploadFrozen(active.kernels, params);
      try {
        const ctx = { kernels: active.kernels, progress: () => {}, now: () => 0 };
        return trainMaskStages(
          ctx,
          new StageTimer(() => 0),
          net,
          CFG,
          7,
          [
            { id: 'a', sample: batch },
            { id: 'b', sample: batch },
          ],
          'normal',
          curve,
        );
      } finally {
        net.dispose();
      }
    };
    const layers = [0, 1, 2].map((tensor) => ({ id: `layer${tensor + 1}`, tensor }));
    const rec = new CurveRecorder({ seed: 1, variant: 'normal', points: 5, layers, compare: [['a', 'b']], evaluate: () => [] });
    const plain = run();
    const recorded = run(rec);
    for (const id of ['a', 'b']) plain.get(id)!.forEach((l, k) => expect(Buffer.from(recorded.get(id)![k].buffer).equals(Buffer.from(l.buffer))).toBe(true));
    // The last checkpoint is the trained mask.
    const last = rec.rows.filter((r) => r.mask === 'b' && r.metric === 'kept' && r.step === CFG.steps).map((r) => r.value);
    expect(last).toEqual(plain.get('b')!.map((l) => Math.round((binarize(l).reduce((s, v) => s + v, 0) / l.length) * 1e4) / 1e4));
    expect(new Set(rec.rows.map((r) => r.step))).toEqual(new Set([0, 6, 12, 18, 24, 30]));
  });
});
