// The CLIs reject bad input with one line on stderr and a non-zero exit, and
// write nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');

function run(script: string, args: string[]) {
  return spawnSync('npx', ['tsx', script, ...args], { cwd: REPO, encoding: 'utf8' });
}

describe('experiments CLI', () => {
  const results = mkdtempSync(join(tmpdir(), 'cli-'));
  it.each([
    [['--only', 'nope'], /unknown experiment "nope" \(known: add-mul, double-add/],
    [['--profile', 'huge'], /unknown profile "huge"/],
    [['--backend', 'tpu'], /unknown backend "tpu"/],
    [['--workers', 'two'], /--workers must be an integer/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--profile', 'ci', '--only', 'permuted-mnist', '--offline', '--data-dir', '/nonexistent-data'], /MNIST not found: looked for \/nonexistent-data\/mnist/],
  ])('%j → one-line error, exit 2, nothing written', (args, message) => {
    const r = run('experiments/cli.ts', [...args, '--results-dir', results, '--cache-dir', join(results, 'cache')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(results)).toEqual([]);
  });

  it('--help prints usage and exits 0', () => {
    const out = execFileSync('npx', ['tsx', 'experiments/cli.ts', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(out).toMatch(/--profile NAME/);
  });
});

describe('data CLI', () => {
  it.each([
    [['fetch'], /unknown command "fetch"/],
    [['download', 'imagenet'], /download takes one of mnist, cifar10, all, got "imagenet"/],
    [['status', '--verbose'], /Unknown option '--verbose'/],
  ])('%j → one-line error, exit 2', (args, message) => {
    const r = run('experiments/data-cli.ts', args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('status names the data directory and what it holds', () => {
    const empty = mkdtempSync(join(tmpdir(), 'data-'));
    const out = execFileSync('npx', ['tsx', 'experiments/data-cli.ts', 'status', '--data-dir', empty], { cwd: REPO, encoding: 'utf8' });
    expect(out).toContain(`data directory: ${empty} (given on the command line)`);
    expect(out).toMatch(/MNIST: +missing/);
  });
});
