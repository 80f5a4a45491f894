// SCAN (Lake & Baroni, 2018) generated from its phrase-structure grammar and
// interpretation rules (docs/method.md §5.1):
//   C → S | S and S | S after S        S → V | V twice | V thrice
//   V → U | D | X opposite Dir | X around Dir
//   D → X Dir   (X left / X right)     X → walk | look | run | jump | turn
//   U → walk | look | run | jump       Dir → left | right
// with "turn" contributing no action of its own. This yields 34 V-phrases,
// 102 S-phrases and 102 + 2·102² = 20,910 commands, exactly the official set.

export type Action = 'I_TURN_LEFT' | 'I_TURN_RIGHT' | 'I_JUMP' | 'I_WALK' | 'I_RUN' | 'I_LOOK';

export interface ScanExample {
  command: string;
  actions: Action[];
}

const PRIMITIVE: Record<string, Action> = { walk: 'I_WALK', look: 'I_LOOK', run: 'I_RUN', jump: 'I_JUMP' };
const TURN: Record<string, Action> = { left: 'I_TURN_LEFT', right: 'I_TURN_RIGHT' };
const VERBS = ['walk', 'look', 'run', 'jump'];
const DIRECTIONS = ['left', 'right'];

interface Phrase {
  words: string[];
  actions: Action[];
}

/** The action of verb x: nothing for "turn". */
function act(x: string): Action[] {
  return x === 'turn' ? [] : [PRIMITIVE[x]];
}

function repeat<T>(xs: T[], n: number): T[] {
  return Array.from({ length: n }, () => xs).flat();
}

/** The 34 V-phrases. */
export function verbPhrases(): Phrase[] {
  const out: Phrase[] = VERBS.map((x) => ({ words: [x], actions: act(x) }));
  for (const x of [...VERBS, 'turn']) {
    for (const d of DIRECTIONS) {
      out.push({ words: [x, d], actions: [TURN[d], ...act(x)] });
      out.push({ words: [x, 'opposite', d], actions: [TURN[d], TURN[d], ...act(x)] });
      out.push({ words: [x, 'around', d], actions: repeat([TURN[d], ...act(x)], 4) });
    }
  }
  return out;
}

/** The 102 S-phrases. */
export function sentencePhrases(): Phrase[] {
  return verbPhrases().flatMap((v) => [
    v,
    { words: [...v.words, 'twice'], actions: repeat(v.actions, 2) },
    { words: [...v.words, 'thrice'], actions: repeat(v.actions, 3) },
  ]);
}

let allExamples: readonly ScanExample[] | null = null;

/** All 20,910 commands with their action sequences, in a fixed order; made once (a frozen list: callers copy what they reorder). */
export function allScanExamples(): readonly ScanExample[] {
  allExamples ??= Object.freeze(generateAll());
  return allExamples;
}

function generateAll(): ScanExample[] {
  const s = sentencePhrases();
  const out: ScanExample[] = s.map((p) => ({ command: p.words.join(' '), actions: p.actions }));
  for (const a of s) {
    for (const b of s) {
      out.push({ command: [...a.words, 'and', ...b.words].join(' '), actions: [...a.actions, ...b.actions] });
      out.push({ command: [...a.words, 'after', ...b.words].join(' '), actions: [...b.actions, ...a.actions] });
    }
  }
  return out;
}
