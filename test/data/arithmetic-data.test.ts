// The data of the arithmetic tasks, and the rule that each mask stage trains on
// its own subtask only (the official code once trained every stage on one
// subset: the closure bug, docs/method.md §9 Q2).
import { describe, expect, it } from 'vitest';
import { addMulBatch, addMulEvalSet, applyOp } from '../../experiments/data/add-mul-data.ts';
import { doubleAddBatch, doubleAddEvalPass, inputUnit } from '../../experiments/data/double-add-data.ts';
import { ADD_MUL_STAGES } from '../../experiments/tasks/add-mul.ts';
import { DOUBLE_ADD_STAGES } from '../../experiments/tasks/double-add.ts';
import { Rng } from '../../experiments/runtime/rng.ts';

function decodeAddMul(x: Float32Array, e: number) {
  const row = x.subarray(e * 42, (e + 1) * 42);
  const hot = (from: number) => row.subarray(from, from + 10).indexOf(1);
  expect(row.reduce((a, v) => a + v, 0)).toBe(5); // four digits and an op, one-hot
  return { a: hot(0) + 10 * hot(10), b: hot(20) + 10 * hot(30), op: row[40] === 1 ? ('add' as const) : ('mul' as const) };
}

describe('add/mul data', () => {
  it('encodes operands least-significant digit first and targets (a op b) mod 100', () => {
    const [pass] = addMulBatch(new Rng(1, 't'), 500, ['add', 'mul']);
    const ops = new Set<string>();
    for (let e = 0; e < pass.n; e++) {
      const { a, b, op } = decodeAddMul(pass.x, e);
      ops.add(op);
      const r = applyOp(op, a, b);
      expect([pass.targets[e * 2], pass.targets[e * 2 + 1]]).toEqual([r % 10, Math.floor(r / 10)]);
    }
    expect(ops).toEqual(new Set(['add', 'mul']));
    expect(applyOp('mul', 97, 13)).toBe(61);
  });

  it('each mask stage samples only its own op', () => {
    const expected: Record<string, Set<string>> = { control: new Set(['add', 'mul']), add: new Set(['add']), mul: new Set(['mul']) };
    for (const stage of ADD_MUL_STAGES) {
      const [pass] = addMulBatch(new Rng(2, stage.id), 400, stage.ops);
      const seen = new Set<string>();
      for (let e = 0; e < pass.n; e++) seen.add(decodeAddMul(pass.x, e).op);
      expect(seen, stage.id).toEqual(expected[stage.id]);
    }
  });

  it('evaluation covers all 10,000 operand pairs of an op', () => {
    const set = addMulEvalSet('mul');
    const seen = new Set<number>();
    for (let e = 0; e < set.pass.n; e++) {
      const { a, b, op } = decodeAddMul(set.pass.x, e);
      expect(op).toBe('mul');
      expect([a, b]).toEqual([set.a(e), set.b(e)]);
      seen.add(a * 100 + b);
    }
    expect(seen.size).toBe(10000);
  });
});

describe('double-addition data', () => {
  it("each pass carries only its own pair and reads that pair's output slot", () => {
    const passes = doubleAddBatch(new Rng(3, 't'), 200, [0, 1]);
    passes.forEach((pass, pair) => {
      expect(pass.rowOffset).toBe(pair * 20);
      for (let e = 0; e < pass.n; e++) {
        const row = pass.x.subarray(e * 80, (e + 1) * 80);
        const other = pair === 0 ? row.subarray(40, 80) : row.subarray(0, 40);
        expect(other.every((v) => v === 0)).toBe(true);
        const digit = (operand: number, pos: number) => [...Array(10).keys()].find((d) => row[inputUnit(pair, operand, pos, d)] === 1)!;
        const a = digit(0, 0) + 10 * digit(0, 1),
          b = digit(1, 0) + 10 * digit(1, 1);
        const r = (a + b) % 100;
        expect([pass.targets[e * 2], pass.targets[e * 2 + 1]]).toEqual([r % 10, Math.floor(r / 10)]);
      }
    });
  });

  it('the pair stages run (and put in the loss) only their own pair', () => {
    const byId = Object.fromEntries(DOUBLE_ADD_STAGES.map((s) => [s.id, s]));
    expect(doubleAddBatch(new Rng(4, 't'), 8, byId.control.pairs).map((p) => p.rowOffset)).toEqual([0, 20]);
    expect(doubleAddBatch(new Rng(4, 't'), 8, byId.pair1.pairs).map((p) => p.rowOffset)).toEqual([0]);
    expect(doubleAddBatch(new Rng(4, 't'), 8, byId.pair2.pairs).map((p) => p.rowOffset)).toEqual([20]);
  });

  it('per-pair evaluation is exhaustive', () => {
    const pass = doubleAddEvalPass(1);
    expect(pass.n).toBe(10000);
    expect(pass.rowOffset).toBe(20);
  });
});
