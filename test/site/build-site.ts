// Runs `astro build` in a child process with the site's environment variables,
// for tests that need a built site. The output and Astro's cache go under
// test-output/ (gitignored): an outDir outside the repo makes Astro 5 stage its
// prerender files in <cwd>/.astro and copy them into the output.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './fixture-artifacts.ts';

export interface BuildOptions {
  /** Folder name under test-output/site-build/. */
  name: string;
  profile: string;
  resultsDir: string;
  base?: string;
}

export interface BuiltSite {
  distDir: string;
  seconds: number;
  log: string;
}

export async function buildSite(options: BuildOptions): Promise<BuiltSite> {
  const root = path.join(repoRoot, 'test-output/site-build', options.name);
  const distDir = path.join(root, 'dist');
  const env = {
    ...cleanEnv(process.env),
    ASTRO_TELEMETRY_DISABLED: '1',
    SITE_PROFILE: options.profile,
    RESULTS_DIR: options.resultsDir,
    SITE_BASE: options.base ?? '/',
    SITE_OUT_DIR: distDir,
    SITE_CACHE_DIR: path.join(root, 'cache'),
  };
  const started = Date.now();
  const astro = path.join(repoRoot, 'node_modules/.bin/astro');
  const log = await new Promise<string>((resolve, reject) => {
    const child = spawn(astro, ['build'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`astro build exited with ${code}:\n${out}`))));
  });
  return { distDir, seconds: (Date.now() - started) / 1000, log };
}

/**
 * The environment without what Vitest puts there: Astro's env plugin would take
 * BASE_URL=/ (and MODE, NODE_ENV=test, ...) from process.env over the config.
 */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const vitestKeys = new Set(['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'NODE_ENV', 'TEST']);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !vitestKeys.has(k) && !/^_*VITEST/.test(k)));
}
