// Token ids of SCAN, in the official code's order (word-level vocabularies
// ordered by total frequency over the 8 official files; docs/method.md §5.1):
// inputs 0–12 then EOS = 13; outputs 0–5 then SOS = EOS = 6, so the output
// layer has 7 rows.
import type { Seq2SeqBatch } from '../../models/seq2seq.ts';
import type { Action, ScanExample } from './grammar.ts';

export const INPUT_WORDS = ['left', 'right', 'twice', 'thrice', 'opposite', 'around', 'and', 'after', 'jump', 'run', 'walk', 'look', 'turn'] as const;
export const OUTPUT_ACTIONS: readonly Action[] = ['I_TURN_LEFT', 'I_TURN_RIGHT', 'I_JUMP', 'I_WALK', 'I_RUN', 'I_LOOK'];
export const INPUT_EOS = INPUT_WORDS.length;
export const OUTPUT_EOS = OUTPUT_ACTIONS.length;
export const SCAN_TOKENS = { sos: OUTPUT_EOS, eos: OUTPUT_EOS };
/** Output rows, for the per-token analyses: the six actions and EOS. */
export const OUTPUT_TOKEN_NAMES = [...OUTPUT_ACTIONS, 'EOS'];

const wordId = new Map<string, number>(INPUT_WORDS.map((w, i) => [w, i]));
const actionId = new Map<string, number>(OUTPUT_ACTIONS.map((a, i) => [a, i]));

/**
 * Pads a list of examples into a batch: command + EOS, actions (EOS is implied
 * by outLen). Sorted by output length, longest first, so the decoder can drop
 * finished sequences (see runSeq2Seq); loss and accuracy do not depend on order.
 */
export function scanBatch(unsorted: ScanExample[]): Seq2SeqBatch {
  const examples = [...unsorted].sort((a, b) => b.actions.length - a.actions.length);
  const n = examples.length;
  const words = examples.map((e) => e.command.split(' '));
  const inSteps = Math.max(...words.map((w) => w.length)) + 1;
  const outSteps = Math.max(...examples.map((e) => e.actions.length));
  const inputs = new Int32Array(n * inSteps).fill(INPUT_EOS);
  const targets = new Int32Array(n * outSteps).fill(OUTPUT_EOS);
  const inLen = new Int32Array(n);
  const outLen = new Int32Array(n);
  examples.forEach((e, i) => {
    words[i].forEach((w, t) => {
      const id = wordId.get(w);
      if (id === undefined) throw new Error(`unknown SCAN word "${w}"`);
      inputs[i * inSteps + t] = id;
    });
    inLen[i] = words[i].length + 1;
    e.actions.forEach((a, t) => (targets[i * outSteps + t] = actionId.get(a)!));
    outLen[i] = e.actions.length;
  });
  return { n, inputs, inSteps, inLen, targets, outSteps, outLen };
}
