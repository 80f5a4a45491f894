// The official SCAN text format: one example per line, `IN: <command> OUT: <actions>`.
import { UserError } from '../../runtime/errors.ts';
import type { Action, ScanExample } from './grammar.ts';

const ACTIONS = new Set<string>(['I_TURN_LEFT', 'I_TURN_RIGHT', 'I_JUMP', 'I_WALK', 'I_RUN', 'I_LOOK']);

export function formatScanLine(e: ScanExample): string {
  return `IN: ${e.command} OUT: ${e.actions.join(' ')}`;
}

/** Parses a file in the official format; a malformed line is a one-line error naming it. */
export function parseScanFile(text: string, name: string): ScanExample[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m = /^IN: (.+?) OUT: (.+)$/.exec(line);
      if (!m) throw new UserError(`${name}:${i + 1}: not an "IN: … OUT: …" line`);
      const actions = m[2].trim().split(/\s+/);
      const bad = actions.find((a) => !ACTIONS.has(a));
      if (bad) throw new UserError(`${name}:${i + 1}: unknown action "${bad}"`);
      return { command: m[1].trim(), actions: actions as Action[] };
    });
}
