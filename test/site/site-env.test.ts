// A bad SITE_PROFILE stops the site build before Astro starts: one line, exit 2,
// nothing written (Astro's own error for it is a multi-line dump).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { siteEnvProblem } from '../../src/lib/site-env.ts';
import { readSiteConfig } from '../../src/lib/site-config.ts';

const REPO = join(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'site-env-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('site environment', () => {
  it('names a SITE_PROFILE that is not a profile', () => {
    expect(siteEnvProblem({ SITE_PROFILE: 'bogus' })).toBe('SITE_PROFILE: "bogus" is not a profile (expected ci, quick, long, paper)');
    expect(siteEnvProblem({ SITE_PROFILE: 'paper' })).toBeNull();
    expect(siteEnvProblem({})).toBeNull();
    expect(() => readSiteConfig({ SITE_PROFILE: 'bogus' })).toThrow(/^SITE_PROFILE: "bogus" is not a profile/);
  });

  it('astro build with SITE_PROFILE=bogus: one line, exit 2, nothing written', () => {
    const r = spawnSync('npx', ['astro', 'build'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', SITE_PROFILE: 'bogus', SITE_OUT_DIR: join(out, 'dist'), SITE_CACHE_DIR: join(out, 'cache') },
    });
    expect(r.stderr.trim()).toBe('error: SITE_PROFILE: "bogus" is not a profile (expected ci, quick, long, paper)');
    expect(r.stdout.trim()).toBe('');
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});
