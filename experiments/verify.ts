// npm run verify -- [--profile quick] [--rerun] [--results-dir DIR] [--backend B] [--workers N]
// Exits 1 and names what broke when an artifact is missing or stale, or a
// finding expected at this profile does not hold. --rerun regenerates the
// profile's artifacts first (what a CI job that regenerates results runs).
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseBackend, parseFlags, parseIntFlag, parseList, parseProfile, runCli } from './runtime/cli-args.ts';
import { runExperiments, selectExperiments } from './runtime/run-experiments.ts';
import { verifyArtifacts } from './runtime/verify-artifacts.ts';
import { REPO_ROOT } from './cli.ts';

const HELP = `Checks the committed artifacts of a profile: present, fresh against the code,
and every finding expected at that profile holds.

usage: npm run verify -- [--profile quick] [--only a,b] [--rerun] [--results-dir DIR]
                         [--backend NAME] [--workers N]

  --rerun   rerun the profile's experiments first (forced), then verify`;

async function main(): Promise<number> {
  const { values } = parseFlags(process.argv.slice(2), {
    profile: { type: 'string' }, only: { type: 'string' }, rerun: { type: 'boolean' }, 'results-dir': { type: 'string' },
    'cache-dir': { type: 'string' }, backend: { type: 'string' }, workers: { type: 'string' }, help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const profile = parseProfile(values.profile);
  const backend = parseBackend(values.backend);
  const only = parseList(values.only);
  const experiments = selectExperiments(only);
  const resultsDir = resolve(values['results-dir'] ?? 'content/results');
  const experimentsRoot = resolve(REPO_ROOT, 'experiments');
  if (values.rerun) {
    const start = performance.now();
    await runExperiments({
      profile, only, force: true, backend, workers: parseIntFlag('workers', values.workers, cpus().length, 0), resultsDir,
      cacheDir: resolve(values['cache-dir'] ?? '.cache'), repoRoot: REPO_ROOT, experimentsRoot,
      write: (t) => process.stdout.write(t), tty: Boolean(process.stdout.isTTY), now: () => (performance.now() - start) / 1000,
    });
  }
  const reports = verifyArtifacts(resultsDir, experimentsRoot, profile, experiments);
  let failed = false;
  for (const r of reports) {
    if (r.problems.length === 0) {
      const extra = r.notExpectedButHeld.length ? `; also holding though not expected at this scale: ${r.notExpectedButHeld.join(', ')}` : '';
      process.stdout.write(`ok   ${r.experiment}: fresh; ${r.findingsHeld}/${r.findingsExpected} expected findings hold${extra}\n`);
    } else {
      failed = true;
      for (const p of r.problems) process.stdout.write(`FAIL ${p}\n`);
    }
  }
  return failed ? 1 : 0;
}

runCli(main);
