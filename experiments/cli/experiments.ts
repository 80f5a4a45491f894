// npm run experiments -- [--profile ci|quick|long|paper] [--only a,b] [--run NAME] [--force]
//                        [--backend auto|node-gpu|node|wasm|cpu] [--workers N] [--shard i/n]
//                        [--results-dir DIR] [--cache-dir DIR] [--data-dir DIR] [--offline] [--help]
// npm run experiments -- export --to FILE … | merge FILE…   (bundle.ts)
import { cpus } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_HELP, BUNDLE_USAGE, exportCommand, mergeCommand } from './bundle.ts';
import { BACKEND_CHOICES } from '../runtime/backend.ts';
import { budgetLine } from '../runtime/budget.ts';
import { runContext } from '../runtime/run-context.ts';
import { parseFlags, parseIntFlag, parseOnOff, runCli } from '../runtime/cli-args.ts';
import { UserError } from '../runtime/errors.ts';
import { checkBackend, checkNotAFile, checkOutputDirs } from '../runtime/preflight.ts';
import { formatSeconds } from '../runtime/progress.ts';
import { runExperiments } from '../runtime/run-experiments.ts';
import { parseShard, shardReportLines } from '../runtime/shard.ts';
import { EXPERIMENTS } from '../tasks/registry.ts';
import { NAMED_RUNS } from '../runs/index.ts';
import { parseSelection, SELECTION_FLAGS } from './selection.ts';

const HELP = `Runs the paper's experiments and writes their artifacts.

usage: npm run experiments -- [options]
${BUNDLE_USAGE}

options (of a run):
  --profile NAME     ci | quick | long | paper (default: quick)
                     ci: seconds, exercises every code path; quick: reproduces the
                     findings on a 2-core CPU; long: the paper's stage lengths on the
                     quick networks (about 8 hours, in pieces); paper: the paper's
                     sizes (for a GPU)
  --only LIST        comma-separated experiments (default: all): ${EXPERIMENTS.map((e) => e.id).join(', ')}
  --run NAME         a named run (experiments/runs/NAME.ts: one experiment on a base
                     profile with a few settings changed; the sizing and diagnostic runs
                     the notes cite), into runs/NAME/: ${NAMED_RUNS.map((r) => r.name).join(', ')}
  --force            rerun even when the artifact is fresh
  --backend NAME     ${BACKEND_CHOICES.join(' | ')} (default: auto = the best that loads)
  --workers N        worker processes (default: number of cores; 0 = in this process)
  --results-dir DIR  where artifacts go (default: content/results)
  --cache-dir DIR    job cache (default: .cache)
  --data-dir DIR     real datasets (MNIST, CIFAR-10) for the experiments that need
                     them (default: $MODULARITY_DATA_DIR, else ./data); missing ones
                     are downloaded from their official sources
  --offline          never download: a missing dataset is an error
  --allow-dirty      publish into content/results from a tree with uncommitted
                     changes (recorded in the artifact; refused otherwise)
  --shard i/n        run only shard i of n (1 ≤ i ≤ n) of the stale experiments' jobs
                     into the job cache, and assemble nothing. Every job of the profile
                     (experiment × seed × part), sorted by experiment id, seed and part,
                     goes to shard (k mod n) + 1 for the k-th: the same split on every
                     machine, whatever its cache holds. Then export, merge the bundles
                     on one machine, and run there without --shard (README "Running in shards")
  --yes              start a run estimated to take longer than 5 minutes without asking
                     (MODULARITY_CONFIRM_SECONDS sets the limit; at a terminal the run
                     asks, elsewhere it is not started without --yes)
  --stage-jobs on|off
                     run each seed's pre-training and mask stages as jobs of their own,
                     a mask stage checkpointed every 5 minutes, so that a stopped run
                     keeps what it finished (default: on for long and paper, off for ci
                     and quick); export carries an unfinished seed's stages too
  --help             this text

${BUNDLE_HELP}

An artifact is fresh when its cache key matches: config, numerics fingerprint (the
code's outputs on a small fixed run), digest of the data read, backend. Stale
experiments rerun and the build says why; a fresh one whose findings code changed
is re-derived from its own tables in seconds.`;

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== undefined && !command.startsWith('-')) {
    if (rest.includes('--help')) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (command === 'export') return exportCommand(rest, resolve(REPO_ROOT, 'experiments'));
    if (command === 'merge') return mergeCommand(rest);
    throw new UserError(`unknown command "${command}" (expected export or merge, or only options to run)`);
  }
  const { values } = parseFlags(process.argv.slice(2), {
    ...SELECTION_FLAGS,
    force: { type: 'boolean' },
    workers: { type: 'string' },
    'results-dir': { type: 'string' },
    'allow-dirty': { type: 'boolean' },
    help: { type: 'boolean' },
    shard: { type: 'string' },
    'stage-jobs': { type: 'string' },
    yes: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const { profile, only, named, backend } = parseSelection(values);
  const workers = parseIntFlag('workers', values.workers, cpus().length, 0);
  const shard = parseShard(values.shard);
  const stageJobs = parseOnOff('--stage-jobs', values['stage-jobs']);
  const confirmAbove = confirmSeconds(process.env.MODULARITY_CONFIRM_SECONDS);
  const resultsDir = resolve(values['results-dir'] ?? named?.resultsDir ?? 'content/results');
  const cacheDir = resolve(values['cache-dir'] ?? '.cache');
  // Checked before planning: a folder path that is a file cannot even be read; a backend asked for must be there.
  checkNotAFile('--results-dir', resultsDir);
  checkNotAFile('--cache-dir', cacheDir);
  checkBackend(backend);
  const ctx = runContext(values, (line) => process.stdout.write(`  ${line}\n`));
  const start = performance.now();
  const summary = await runExperiments({
    profile,
    only,
    force: values.force ?? false,
    backend,
    workers,
    shard,
    ...(named ? { run: named.run } : {}),
    ...(stageJobs === null ? {} : { stageJobs }),
    resultsDir,
    cacheDir: ctx.cacheDir,
    dataDir: ctx.dataDir.dir,
    allowDirty: values['allow-dirty'] ?? false,
    repoRoot: REPO_ROOT,
    experimentsRoot: resolve(REPO_ROOT, 'experiments'),
    write: (t) => process.stdout.write(t),
    tty: Boolean(process.stdout.isTTY),
    now: () => (performance.now() - start) / 1000,
    prepare: ctx.prepare,
    // Before any job starts (only when there are jobs: fresh artifacts need no writable folder).
    beforeJobs: () => checkOutputDirs({ resultsDir, cacheDir: ctx.cacheDir }),
    confirm: (plan) => values.yes || plan.seconds <= confirmAbove || askToStart(plan),
  });
  if (summary.shard) {
    process.stdout.write(`\n${shardReportLines(summary.shard, profile, only).join('\n')}\n`);
    return 0;
  }
  const lines = ['', `Summary (${named ? `run ${named.run.name}, on profile ${profile}` : `profile ${profile}`}):`];
  for (const o of summary.outcomes) {
    const what =
      o.status === 'fresh'
        ? 'reused (fresh)'
        : o.status === 'rederived'
          ? `numbers reused, findings re-derived (${o.reason})`
          : `ran in ${formatSeconds(o.seconds)} (${o.reason}${o.reusedSeeds.length ? `; seeds ${o.reusedSeeds.join(',')} from the job cache` : ''})`;
    const broken = o.findingsExpectedButFailed.length ? `; NOT HOLDING: ${o.findingsExpectedButFailed.join(', ')}` : '';
    lines.push(
      `  ${o.id.padEnd(14)} ${what}; ${o.claims.held}/${o.claims.total} of the paper's claims reproduce, ${o.trends.total ? `${o.trends.held}/${o.trends.total} scale trends hold, ` : ''}${o.checks.held}/${o.checks.total} checks hold${broken}`,
    );
    lines.push(`  ${''.padEnd(14)} → ${o.dir}`);
  }
  lines.push(`  wall time: ${formatSeconds(summary.wallSeconds)}`);
  const ranEverything = only === null && summary.outcomes.every((o) => o.status === 'ran' && o.reusedSeeds.length === 0);
  const budget = budgetLine(profile, summary.wallSeconds, ranEverything, formatSeconds);
  if (budget) lines.push(`  ${budget}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** MODULARITY_CONFIRM_SECONDS: a run estimated above this many seconds asks first (default 300). */
function confirmSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 300;
  if (!/^\d+$/.test(value)) throw new UserError(`MODULARITY_CONFIRM_SECONDS: "${value}" is not a non-negative whole number of seconds`);
  return Number(value);
}

/** At a terminal, whether to start a long run; elsewhere no (the runner then says how to start it). */
async function askToStart(plan: { jobs: number; seconds: number; experiments: string[] }): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`  about ${formatSeconds(plan.seconds)} of training (${plan.jobs} jobs of ${plan.experiments.join(', ')}). Start? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runCli(main);
