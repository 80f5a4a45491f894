// SCAN from its grammar: the official counts of every split, the
// interpretation rules on hand-checked commands, the official line format,
// and the export CLI (stdout carries the data and nothing else).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allScanExamples, sentencePhrases, verbPhrases } from '../../experiments/data/scan/grammar.ts';
import { loadOfficialSplit, officialFile } from '../../experiments/data/scan/official-files.ts';
import { formatScanLine, parseScanFile } from '../../experiments/data/scan/scan-format.ts';
import { SCAN_SPLITS, scanSplit } from '../../experiments/data/scan/splits.ts';
import { UserError } from '../../experiments/runtime/errors.ts';

const REPO = join(import.meta.dirname, '../..');
const all = allScanExamples();
const actionsOf = (command: string) => all.find((e) => e.command === command)!.actions.join(' ');

describe('SCAN grammar', () => {
  it('yields 34 V-phrases, 102 S-phrases and the 20,910 distinct commands; inputs ≤ 9 words, outputs ≤ 48 actions, none of 23', () => {
    expect(verbPhrases()).toHaveLength(34);
    expect(sentencePhrases()).toHaveLength(102);
    expect(all).toHaveLength(20910);
    expect(new Set(all.map((e) => e.command)).size).toBe(20910);
    expect(Math.max(...all.map((e) => e.command.split(' ').length))).toBe(9);
    expect(Math.max(...all.map((e) => e.actions.length))).toBe(48);
    expect(all.filter((e) => e.actions.length === 23)).toHaveLength(0);
  });

  it('interprets the rules: direction, opposite, around, turn, twice/thrice, and, after', () => {
    expect(actionsOf('walk left')).toBe('I_TURN_LEFT I_WALK');
    expect(actionsOf('turn right')).toBe('I_TURN_RIGHT');
    expect(actionsOf('look opposite right')).toBe('I_TURN_RIGHT I_TURN_RIGHT I_LOOK');
    expect(actionsOf('turn opposite left')).toBe('I_TURN_LEFT I_TURN_LEFT');
    expect(actionsOf('turn around left')).toBe('I_TURN_LEFT I_TURN_LEFT I_TURN_LEFT I_TURN_LEFT');
    expect(actionsOf('run around right')).toBe('I_TURN_RIGHT I_RUN I_TURN_RIGHT I_RUN I_TURN_RIGHT I_RUN I_TURN_RIGHT I_RUN');
    expect(actionsOf('jump thrice')).toBe('I_JUMP I_JUMP I_JUMP');
    expect(actionsOf('walk and look twice')).toBe('I_WALK I_LOOK I_LOOK');
    expect(actionsOf('walk after look twice')).toBe('I_LOOK I_LOOK I_WALK');
  });
});

describe('SCAN splits', () => {
  it.each([
    ['simple', 16728, 4182],
    ['length', 16990, 3920],
    ['jump', 14670, 7706],
    ['turn_left', 21890, 1208],
  ] as const)('%s: %i train, %i test (the official counts)', (split, train, test) => {
    const d = scanSplit(split);
    expect([d.train.length, d.test.length]).toEqual([train, test]);
  });

  it('follow their rules', () => {
    const length = scanSplit('length');
    expect(length.train.every((e) => e.actions.length <= 22)).toBe(true);
    expect(length.test.every((e) => e.actions.length >= 24)).toBe(true);
    const jump = scanSplit('jump');
    expect(jump.train.filter((e) => e.command === 'jump')).toHaveLength(1467);
    expect(new Set(jump.train.map((e) => e.command)).size).toBe(13204);
    expect(jump.train.every((e) => e.command === 'jump' || !e.command.split(' ').includes('jump'))).toBe(true);
    expect(jump.test.every((e) => e.command.split(' ').includes('jump'))).toBe(true);
    const turn = scanSplit('turn_left');
    expect(turn.train.filter((e) => e.command === 'turn left')).toHaveLength(2189);
    expect(turn.test.every((e) => e.command.includes('turn left') && e.command !== 'turn left')).toBe(true);
    const simple = scanSplit('simple');
    expect(new Set([...simple.train, ...simple.test].map((e) => e.command)).size).toBe(20910);
  });

  it('the random parts are seeded: same seed, same split; other seed, other split', () => {
    expect(scanSplit('simple', 1).test.slice(0, 5)).toEqual(scanSplit('simple', 1).test.slice(0, 5));
    expect(scanSplit('simple', 2).test.map((e) => e.command)).not.toEqual(scanSplit('simple', 1).test.map((e) => e.command));
  });
});

describe('the official file format', () => {
  it('round-trips and rejects malformed lines with one line naming the file and line', () => {
    const lines = all.slice(0, 50).map(formatScanLine);
    expect(lines[0]).toMatch(/^IN: \S.* OUT: I_/);
    expect(parseScanFile(lines.join('\n'), 'x')).toEqual(all.slice(0, 50));
    expect(() => parseScanFile('IN: walk OUT: I_FLY', 'f.txt')).toThrow(/^f\.txt:1: unknown action "I_FLY"$/);
    expect(() => parseScanFile('walk -> I_WALK', 'f.txt')).toThrow(UserError);
  });

  it('loads a folder with the official layout (here written by our own export)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    const d = scanSplit('length');
    for (const part of ['train', 'test'] as const) {
      const path = officialFile(dir, 'length', part);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, `${d[part].map(formatScanLine).join('\n')}\n`);
    }
    expect(loadOfficialSplit(dir, 'length')).toEqual(d);
    expect(() => loadOfficialSplit(dir, 'jump')).toThrow(/no SCAN file at .*tasks_train_addprim_jump\.txt/);
  });
});

describe('npm run scan -- export', () => {
  const run = (args: string[]) => spawnSync('npx', ['tsx', 'experiments/cli/scan.ts', ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });

  it.each(SCAN_SPLITS)('%s test: stdout is exactly the split, one official line per example', (split) => {
    const r = run(['export', '--split', split, '--part', 'test']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(scanSplit(split).test.map(formatScanLine));
  });

  it('bad input: one line on stderr, exit 2, nothing on stdout', () => {
    for (const args of [['export', '--split', 'nope', '--part', 'train'], ['export', '--split', 'jump'], ['frob']]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
