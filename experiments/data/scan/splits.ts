// The SCAN splits, derived by the rules the official files follow (checked
// against brendenlake/SCAN; docs/method.md §5.1):
//   simple     seeded random 80/20 (the official file is one such draw; not reproducible by rule)
//   length     train: output ≤ 22 actions; test: ≥ 24 (no command has 23)
//   jump       train: every command without the word "jump", plus bare "jump" repeated
//              1,467 times (as often as in the official file); test: every other command with "jump"
//   turn_left  train: every command without "turn left", plus bare "turn left" ×2,189; test: the rest with it
import { Rng } from '../../runtime/rng.ts';
import { UserError } from '../../runtime/errors.ts';
import { allScanExamples, type ScanExample } from './grammar.ts';

export const SCAN_SPLITS = ['simple', 'length', 'jump', 'turn_left'] as const;
export type ScanSplit = (typeof SCAN_SPLITS)[number];
export const SCAN_PARTS = ['train', 'test'] as const;
export type ScanPart = (typeof SCAN_PARTS)[number];

export interface SplitData {
  train: ScanExample[];
  test: ScanExample[];
}

/** How often the official add-primitive training files repeat the bare primitive. */
export const PRIMITIVE_REPEATS = { jump: 1467, turn_left: 2189 } as const;

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const order = rng.permutation(xs.length);
  return Array.from(order, (i) => xs[i]);
}

function addPrimitive(all: readonly ScanExample[], contains: (c: string) => boolean, primitive: string, repeats: number, seed: number): SplitData {
  const bare = all.find((e) => e.command === primitive)!;
  const without = all.filter((e) => !contains(e.command));
  const train = shuffled([...without, ...Array.from({ length: repeats }, () => bare)], new Rng(seed, `scan-${primitive}`));
  return { train, test: all.filter((e) => contains(e.command) && e.command !== primitive) };
}

export function scanSplit(split: ScanSplit, seed = 1): SplitData {
  const all = allScanExamples();
  switch (split) {
    case 'simple': {
      const order = shuffled(all, new Rng(seed, 'scan-simple'));
      const cut = Math.round(all.length * 0.8);
      return { train: order.slice(0, cut), test: order.slice(cut) };
    }
    case 'length':
      return { train: all.filter((e) => e.actions.length <= 22), test: all.filter((e) => e.actions.length >= 24) };
    case 'jump':
      return addPrimitive(all, (c) => c.split(' ').includes('jump'), 'jump', PRIMITIVE_REPEATS.jump, seed);
    case 'turn_left':
      return addPrimitive(all, (c) => c.includes('turn left'), 'turn left', PRIMITIVE_REPEATS.turn_left, seed);
    default:
      throw new UserError(`unknown SCAN split "${split as string}" (expected ${SCAN_SPLITS.join(', ')})`);
  }
}
