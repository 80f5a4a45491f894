// SCAN's and CIFAR-10's mask-stage curves: their profiles record curves only
// in long and paper (quick's artifacts predate them), so the ci profile does
// not exercise them; here one ci seed runs with curves switched on. The curves
// must end at the tables, and must not change the masks.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { IMAGE_CACHE_ENV } from '../../experiments/data/images/cifar10-data.ts';
import { resolveDataDir } from '../../experiments/data/images/data-dir.ts';
import { datasetsFor, ensureDatasets } from '../../experiments/runtime/datasets.ts';
import { cifar10, spreadPick } from '../../experiments/tasks/cifar10.ts';
import { loadCifarForMasks } from '../../experiments/data/images/cifar10-data.ts';
import type { JobContext } from '../../experiments/tasks/experiment.ts';
import { scan } from '../../experiments/tasks/scan.ts';
import { useBackend } from '../helpers/backend.ts';
import { expectCurvesEndAtTables } from '../helpers/curves.ts';
import { hasDataFor, useSharedData } from '../helpers/shared-data.ts';

const REPO = join(import.meta.dirname, '../..');
const dataDir = useSharedData();
process.env[IMAGE_CACHE_ENV] ??= join(REPO, '.cache', 'images');

async function context(): Promise<JobContext> {
  const active = await useBackend('wasm');
  let t = 0;
  return { kernels: active.kernels, progress: () => {}, now: () => (t += 1) };
}

describe('mask-stage curves of SCAN and CIFAR-10 (ci sizes, curves on)', () => {
  it('SCAN: the curves end at the tables and leave the masks as they were', async () => {
    const ctx = await context();
    const plain = scan.runSeed(ctx, scan.profiles.ci, 1, 'masks');
    const curved = scan.runSeed(ctx, { ...scan.profiles.ci, curve: { points: 3, examples: 8 } }, 1, 'masks');
    expect(curved.masks).toEqual(plain.masks);
    expect(plain.curve).toBeUndefined();
    const curve = curved.curve!;
    expect(new Set(curve.filter((r) => r.metric === 'accuracy').map((r) => r.subject))).toEqual(new Set(['iid', 'jump', 'length', 'turn_left']));
    expect(expectCurvesEndAtTables(curve, curved.overlap, curved.weightsKept)).toBe(curved.overlap.length + curved.weightsKept.length);
  }, 120_000);

  it.skipIf(!hasDataFor('cifar10', dataDir))(
    'CIFAR-10: the curves (with the frozen output layer restored) end at the tables',
    async () => {
      await ensureDatasets(datasetsFor(['cifar10']), {
        dataDir: resolveDataDir(undefined, process.env, REPO),
        download: false,
        fetch: globalThis.fetch,
        log: () => {},
        imageCacheDir: process.env[IMAGE_CACHE_ENV]!,
      });
      const ctx = { ...(await context()), data: { dataDir: resolveDataDir(undefined, process.env, REPO).dir, imageCacheDir: process.env[IMAGE_CACHE_ENV]! } };
      const config = { ...cifar10.profiles.ci, removed: [3], curve: { points: 2, images: 50, pick: 'spread' as const } };
      const out = cifar10.runSeed(ctx, config, 1, null);
      const curve = out.curve!;
      expect(new Set(curve.filter((r) => r.metric === 'iou').map((r) => `${r.against}→${r.mask}`))).toEqual(new Set(['control→without-cat']));
      expect(expectCurvesEndAtTables(curve, out.overlap, out.weightsKept)).toBe(out.overlap.length + out.weightsKept.length);
      // The removal mask's output layer is the control's final one, frozen: at the last step the two agree.
      const last = Math.max(...curve.map((r) => r.step));
      expect(curve.find((r) => r.metric === 'iou' && r.subject === 'output' && r.step === last)!.value).toBe(1);
      // The curve images are spread over the validation list: every class is measured (a class-sorted copy's first 50 are airplanes).
      const d = loadCifarForMasks(ctx.data);
      const picked = spreadPick(d.valid, 50);
      expect(new Set(Array.from(picked, (i) => d.labels[i])).size).toBe(10);
    },
    300_000,
  );
});
