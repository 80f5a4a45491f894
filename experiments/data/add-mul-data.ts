// Data of the addition/multiplication task (docs/method.md §2.1): operands a, b in
// [0, 100), op ∈ {+, ×}; target (a op b) mod 100 as two digits, least
// significant first. Input: one-hot of the four operand digits (40 units) and
// of the op (2 units).
//
// The paper samples a fixed 1M-row training set; the input space has only
// 20,000 points, so sampling uniformly on the fly is the same distribution.
// Evaluation uses every one of the 10,000 operand pairs per op instead of the
// paper's 10k random rows (which were not held out either).
import type { Pass } from '../train/passes.ts';
import type { Rng } from '../runtime/rng.ts';

export const ADD_MUL_INPUTS = 42;
export const ADD_MUL_OUTPUTS = 20;
export type Op = 'add' | 'mul';
export const OPS: Op[] = ['add', 'mul'];
export const OP_SYMBOL: Record<Op, string> = { add: '+', mul: '×' };

export function applyOp(op: Op, a: number, b: number): number {
  return op === 'add' ? (a + b) % 100 : (a * b) % 100;
}

function writeExample(x: Float32Array, y: Uint8Array, e: number, a: number, b: number, op: Op): void {
  const base = e * ADD_MUL_INPUTS;
  x.fill(0, base, base + ADD_MUL_INPUTS);
  x[base + (a % 10)] = 1;
  x[base + 10 + Math.floor(a / 10)] = 1;
  x[base + 20 + (b % 10)] = 1;
  x[base + 30 + Math.floor(b / 10)] = 1;
  x[base + 40 + (op === 'add' ? 0 : 1)] = 1;
  const r = applyOp(op, a, b);
  y[e * 2] = r % 10;
  y[e * 2 + 1] = Math.floor(r / 10);
}

/** A training batch with ops drawn uniformly from `ops` (a mask stage restricts them). */
export function addMulBatch(rng: Rng, n: number, ops: Op[]): Pass[] {
  const x = new Float32Array(n * ADD_MUL_INPUTS);
  const y = new Uint8Array(n * 2);
  for (let e = 0; e < n; e++) {
    const a = rng.int(100),
      b = rng.int(100);
    writeExample(x, y, e, a, b, ops[rng.int(ops.length)]);
  }
  return [{ x, targets: y, n, rowOffset: 0, digits: 2 }];
}

export interface AddMulEvalSet {
  op: Op;
  pass: Pass;
  /** Operands of example e: a = floor(e / 100), b = e % 100. */
  a: (e: number) => number;
  b: (e: number) => number;
}

/** All 10,000 operand pairs for one op. */
export function addMulEvalSet(op: Op): AddMulEvalSet {
  const n = 10000;
  const x = new Float32Array(n * ADD_MUL_INPUTS);
  const y = new Uint8Array(n * 2);
  for (let e = 0; e < n; e++) writeExample(x, y, e, Math.floor(e / 100), e % 100, op);
  return { op, pass: { x, targets: y, n, rowOffset: 0, digits: 2 }, a: (e) => Math.floor(e / 100), b: (e) => e % 100 };
}
