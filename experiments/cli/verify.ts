// npm run verify -- [--profile quick] [--rerun] [--integrity-only] [--results-dir DIR] [--backend B] [--workers N]
// Exits 1 and names what broke: an artifact missing, edited (manifest, masks,
// derived findings), stale, or a finding expected at this profile that does not
// hold. --rerun regenerates the profile's artifacts first (what a CI job that
// regenerates results runs); --integrity-only skips freshness (what the site
// build runs: no training code, no data needed).
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { initBackend } from '../runtime/backend.ts';
import { parseFlags, parseIntFlag, runCli } from '../runtime/cli-args.ts';
import { parseSelection, SELECTION_FLAGS } from './selection.ts';
import { runContext } from '../runtime/run-context.ts';
import { checkBackend, checkOutputDirs } from '../runtime/preflight.ts';
import { runExperiments } from '../runtime/run-experiments.ts';
import { selectExperiments } from '../tasks/registry.ts';
import { verifyArtifacts, type VerifyReport } from '../runtime/verify-artifacts.ts';
import { REPO_ROOT } from './experiments.ts';

const HELP = `Checks the artifacts of a profile: intact (manifest, masks), findings as the code
derives them from the artifact's own tables, fresh against the code, and every
finding expected at that profile holds.

usage: npm run verify -- [--profile quick] [--only a,b] [--run NAME] [--rerun] [--integrity-only]
                         [--results-dir DIR] [--cache-dir DIR] [--data-dir DIR]
                         [--backend NAME] [--workers N] [--offline]

  --run NAME         a named run's artifact (in runs/NAME; experiments/runs/NAME.ts)
  --rerun            rerun the profile's experiments first (forced), then verify
  --integrity-only   no freshness check (no fingerprint runs, no data needed)`;

export function reportLine(r: VerifyReport): string {
  const c = `${r.claims.held}/${r.claims.total} of the paper's claims reproduce, ${r.trends.total ? `${r.trends.held}/${r.trends.total} scale trends hold, ` : ''}${r.checks.held}/${r.checks.total} checks hold`;
  const extra = [
    r.notApplicable.length && `not applicable: ${r.notApplicable.join(', ')}`,
    r.declaredAfterRun.length && `${r.declaredAfterRun.length} expectations declared after a run had shown the outcome`,
    r.notExpectedButHeld.length && `holding though not expected at this scale: ${r.notExpectedButHeld.join(', ')}`,
    r.unchecked.length && `unchecked: ${r.unchecked.join('; ')}`,
  ].filter(Boolean);
  return `${c}; ${r.findingsHeld}/${r.findingsExpected} expected findings hold${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

async function main(): Promise<number> {
  const { values } = parseFlags(process.argv.slice(2), {
    ...SELECTION_FLAGS,
    rerun: { type: 'boolean' },
    'integrity-only': { type: 'boolean' },
    'results-dir': { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const { profile, only, named, backend } = parseSelection(values);
  const experiments = selectExperiments(only, profile);
  const resultsDir = resolve(values['results-dir'] ?? named?.resultsDir ?? 'content/results');
  const experimentsRoot = resolve(REPO_ROOT, 'experiments');
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  const ctx = runContext(values, log);
  if (values.rerun) {
    const workers = parseIntFlag('workers', values.workers, cpus().length, 0);
    // A forced rerun always writes: check both folders and the backend before any job starts.
    checkBackend(backend);
    checkOutputDirs({ resultsDir, cacheDir: ctx.cacheDir });
    const start = performance.now();
    await runExperiments({
      profile,
      only,
      force: true,
      backend,
      ...(named ? { run: named.run } : {}),
      workers,
      resultsDir,
      cacheDir: ctx.cacheDir,
      dataDir: ctx.dataDir.dir,
      repoRoot: REPO_ROOT,
      experimentsRoot,
      prepare: ctx.prepare,
      write: (t) => process.stdout.write(t),
      tty: Boolean(process.stdout.isTTY),
      now: () => (performance.now() - start) / 1000,
    });
  }
  const freshness = values['integrity-only']
    ? null
    : {
        experimentsRoot,
        cacheDir: ctx.cacheDir,
        dataDir: ctx.dataDir.dir,
        backend: await initBackend(backend),
        log,
        run: named?.run ?? null,
        dataReady: async (id: string) =>
          ctx.prepare([id]).then(
            () => true,
            () => false,
          ),
      };
  const reports = await verifyArtifacts({ resultsDir, profile, experiments, freshness });
  let failed = false;
  for (const r of reports) {
    if (r.absent && r.problems.length === 0) {
      process.stdout.write(`--   ${r.experiment}: no ${profile} artifact\n`);
    } else if (r.problems.length === 0) {
      process.stdout.write(`ok   ${r.experiment}: ${values['integrity-only'] ? 'intact' : 'intact and fresh'}; ${reportLine(r)}\n`);
    } else {
      failed = true;
      for (const p of r.problems) process.stdout.write(`FAIL ${p}\n`);
    }
  }
  return failed ? 1 : 0;
}

runCli(main);
