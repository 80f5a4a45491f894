// Data of the double-addition task (docs/method.md §3.1): two pairs (a_t, b_t),
// each operand in [0, 100); target per pair (a_t + b_t) mod 100, two digits,
// least significant first. Input: one-hot of [pair, operand, digit] (80 units);
// output: [pair, digit] × 10 logits (40 rows).
//
// The feed-forward interface runs the network once per pair, with the other
// pair's 40 inputs zeroed, and reads that pair's 20 output rows. So a pass's
// output depends on its own pair only, and per-pair accuracy can be measured
// exhaustively on all 10,000 (a, b) for each pair.
import type { Pass } from '../train/passes.ts';
import type { Rng } from '../runtime/rng.ts';

export const DOUBLE_ADD_INPUTS = 80;
export const DOUBLE_ADD_OUTPUTS = 40;
export const PAIRS = [0, 1] as const;
export type PairIndex = 0 | 1;

/** Input unit of (pair, operand, digit position, digit value). */
export function inputUnit(pair: number, operand: number, position: number, digit: number): number {
  return ((pair * 2 + operand) * 2 + position) * 10 + digit;
}

function writePairExample(x: Float32Array, y: Uint8Array, e: number, pair: number, a: number, b: number): void {
  const base = e * DOUBLE_ADD_INPUTS;
  x.fill(0, base, base + DOUBLE_ADD_INPUTS);
  x[base + inputUnit(pair, 0, 0, a % 10)] = 1;
  x[base + inputUnit(pair, 0, 1, Math.floor(a / 10))] = 1;
  x[base + inputUnit(pair, 1, 0, b % 10)] = 1;
  x[base + inputUnit(pair, 1, 1, Math.floor(b / 10))] = 1;
  const r = (a + b) % 100;
  y[e * 2] = r % 10;
  y[e * 2 + 1] = Math.floor(r / 10);
}

/**
 * A training batch: one pass per pair in `pairs` (the loss of a mask stage is
 * restricted to its pair; the other pair's pass does not enter the loss, so it
 * is not run).
 */
export function doubleAddBatch(rng: Rng, n: number, pairs: readonly PairIndex[]): Pass[] {
  const operands = new Uint8Array(n * 4);
  for (let i = 0; i < operands.length; i++) operands[i] = rng.int(100);
  return pairs.map((pair) => {
    const x = new Float32Array(n * DOUBLE_ADD_INPUTS);
    const y = new Uint8Array(n * 2);
    for (let e = 0; e < n; e++) writePairExample(x, y, e, pair, operands[e * 4 + pair * 2], operands[e * 4 + pair * 2 + 1]);
    return { x, targets: y, n, rowOffset: pair * 20, digits: 2 };
  });
}

/** All 10,000 operand pairs in one pair's slot. */
export function doubleAddEvalPass(pair: PairIndex): Pass {
  const n = 10000;
  const x = new Float32Array(n * DOUBLE_ADD_INPUTS);
  const y = new Uint8Array(n * 2);
  for (let e = 0; e < n; e++) writePairExample(x, y, e, pair, Math.floor(e / 100), e % 100);
  return { x, targets: y, n, rowOffset: pair * 20, digits: 2 };
}
