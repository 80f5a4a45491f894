// End-to-end: build the site from the fixture artifacts and check it in a real
// browser (scripts/browser-check.ts); build it for a profile with no artifacts
// and check the index says so. Both builds run in this one file, one after the
// other, because concurrent Astro builds share <repo>/.astro.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSite, chromiumPath, findPages } from '../../scripts/browser-check.ts';
import { buildSite } from './build-site.ts';
import { repoRoot } from './fixture-artifacts.ts';

const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(`[browser check] SKIPPED: ${chromiumPath} not found (Debian: apt-get install -y chromium)`);
}

describe.sequential('site build', () => {
  it('builds from the fixtures under a base path, and every page passes the browser check', { timeout: 300_000 }, async () => {
    const site = await buildSite({ name: 'fixtures', profile: 'quick', resultsDir: 'test/fixtures/results', base: '/modular/' });
    console.log(`[site build] fixtures built in ${site.seconds.toFixed(1)} s`);
    expect(await findPages(site.distDir)).toEqual(['', 'experiments/add-mul/', 'experiments/double-add/', 'experiments/unwritten/', 'method/']);
    for (const file of ['add-mul/result.json', 'add-mul/masks.bin', 'double-add/images/normal-seed1-layer1.png']) {
      expect(existsSync(path.join(site.distDir, 'results/quick', file)), file).toBe(true);
    }
    const home = readFileSync(path.join(site.distDir, 'index.html'), 'utf8');
    expect(home).toContain('href="/modular/experiments/add-mul/"');
    expect(home).not.toContain('<script');

    if (!hasChromium) return;
    const reports = await checkSite({
      distDir: site.distDir,
      base: '/modular/',
      screenshotsDir: path.join(repoRoot, 'test-output/screenshots'),
    });
    for (const r of reports) expect(r.problems, r.page).toEqual([]);
    const byPage = Object.fromEntries(reports.map((r) => [r.page, r]));
    expect(byPage['/experiments/add-mul/'].charts).toBe(5);
    expect(byPage['/experiments/double-add/'].charts).toBe(4);
    expect(byPage['/experiments/double-add/'].images).toBe(8);
    // No write-up: the generic page draws every chart the artifact has data for (it has no confusion table).
    expect(byPage['/experiments/unwritten/'].charts).toBe(4);
  });

  it('builds the published quick artifacts, and every page passes the browser check', { timeout: 300_000 }, async () => {
    // The committed results a reader sees (content/results/quick): the real data, not fixtures.
    const site = await buildSite({ name: 'published', profile: 'quick', resultsDir: 'content/results' });
    const pages = await findPages(site.distDir);
    expect(pages).toEqual(expect.arrayContaining(['', 'experiments/add-mul/', 'experiments/double-add/', 'method/']));
    if (!hasChromium) return;
    const reports = await checkSite({ distDir: site.distDir, base: '/', screenshotsDir: path.join(repoRoot, 'test-output/screenshots/published') });
    for (const r of reports) expect(r.problems, r.page).toEqual([]);
    const byPage = Object.fromEntries(reports.map((r) => [r.page, r]));
    expect(byPage['/experiments/add-mul/'].charts).toBeGreaterThanOrEqual(5);
    expect(byPage['/experiments/double-add/'].images).toBeGreaterThanOrEqual(10);
  });

  it('builds a profile that has no artifacts yet, and the index says so', { timeout: 300_000 }, async () => {
    const site = await buildSite({ name: 'empty', profile: 'paper', resultsDir: 'test/fixtures/results' });
    expect(await findPages(site.distDir)).toEqual(['', 'method/']);
    expect(readFileSync(path.join(site.distDir, 'index.html'), 'utf8')).toContain('No result artifacts yet');
  });
});
