// End-to-end: build the site from the fixture artifacts and check it in a real
// browser (scripts/browser-check.ts); build it for a profile with no artifacts
// and check the index says so; build it from an artifact full of hostile
// strings; build from a hand-edited copy of an artifact and check the build
// refuses it. Every build's pages are checked for the Content-Security-Policy, no
// script and no external load (page-security.ts). The builds run in this one
// file, one after the other, because concurrent Astro builds share <repo>/.astro.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { checkSite, chromiumPath, findPages } from '../../scripts/browser-check.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/lib/csp.ts';
import { buildSite } from './build-site.ts';
import { fixtureResults, loadFixture, repoRoot } from './fixture-artifacts.ts';
import { HOSTILE, writeHostileResults } from './hostile-artifact.ts';
import { pageFacts } from './page-facts.ts';
import { siteSecurityProblems } from './page-security.ts';

const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(`[browser check] SKIPPED: ${chromiumPath} not found (Debian: apt-get install -y chromium)`);
}

describe.sequential('site build', () => {
  it('the Content-Security-Policy allows images and styles from the site (inline styles for the charts), nothing else', () => {
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'");
  });

  it('builds from the fixtures under a base path, and every page passes the browser check', { timeout: 300_000 }, async () => {
    const site = await buildSite({ name: 'fixtures', profile: 'quick', resultsDir: 'test/fixtures/results', base: '/modular/' });
    console.log(`[site build] fixtures built in ${site.seconds.toFixed(1)} s`);
    expect(await findPages(site.distDir)).toEqual([
      '',
      'differences/',
      'experiments/add-mul/',
      'experiments/cifar10/',
      'experiments/double-add/',
      'experiments/permuted-mnist/',
      'experiments/scan/',
      'experiments/unwritten/',
      'method/',
    ]);
    for (const file of ['add-mul/result.json', 'add-mul/masks.bin', 'double-add/images/normal-seed1-layer1.png']) {
      expect(existsSync(path.join(site.distDir, 'results/quick', file)), file).toBe(true);
    }
    const home = readFileSync(path.join(site.distDir, 'index.html'), 'utf8');
    expect(home).toContain('href="/modular/experiments/add-mul/"');
    expect(home).not.toContain('<script');
    // Every page: the policy right after the charset, no script, nothing loaded from elsewhere.
    expect(await siteSecurityProblems(site.distDir, CONTENT_SECURITY_POLICY)).toEqual([]);
    // The navigation lists every experiment by its short name, on every page, in the paper's order.
    const nav = (html: string) => [...html.matchAll(/<a class="nav-experiment" href="([^"]+)"[^>]*>\s*([^<]*?)\s*<\/a>/g)].map((m) => [m[1], m[2]]);
    const expectedNav = [
      ['/modular/experiments/add-mul/', 'Addition vs multiplication'],
      ['/modular/experiments/double-add/', 'Double addition'],
      ['/modular/experiments/permuted-mnist/', 'Permuted MNIST'],
      ['/modular/experiments/scan/', 'SCAN'],
      ['/modular/experiments/cifar10/', 'CIFAR-10'],
      ['/modular/experiments/unwritten/', 'Fixture without a write-up'],
    ];
    expect(nav(home)).toEqual(expectedNav);
    const scanPage = readFileSync(path.join(site.distDir, 'experiments/scan/index.html'), 'utf8');
    expect(nav(scanPage)).toEqual(expectedNav);
    expect(scanPage).toMatch(/<a class="nav-experiment" href="\/modular\/experiments\/scan\/" aria-current="page">/);
    expect(home).toContain('<a href="/modular/experiments/scan/">SCAN: which weights');

    // The paper's headline claims are counted apart from the checks, on the home page and on each page; n/a is
    // neither reproduced nor failed, and is never shown as ✓.
    const text = (html: string) =>
      html
        .replace(/<[^>]+>/g, ' ')
        .replace(/&#39;/g, "'")
        .replace(/\s+/g, ' ');
    expect(text(home)).toContain(
      "13 of 19 of the paper's headline claims reproduce in the quick profile (3 held though declared not expected at this scale; 5 not reproduced, 3 of them not expected at this scale; 1 not applicable).",
    );
    expect(text(home)).toContain('Apart from those: 9 of 10 checks hold (1 does not, not expected at this scale).');
    expect(text(home)).toContain('9 of 29 expectations were declared after a run had shown the outcome.');
    const scanCard = home.match(/<section class="card" data-experiment="scan">([\s\S]*?)<\/section>/)?.[1] ?? '';
    expect(text(scanCard)).toContain(
      '✓ 2 of 4 headline claims reproduced (1 of them declared not expected at this scale) ✗ 1 not reproduced (not expected at this scale) — 1 not applicable',
    );
    expect(text(scanCard)).toContain('Checks, counted apart: 4 of 4 hold');
    expect(scanCard).toMatch(
      /<li data-verdict="n\/a">\s*<span class="mark-na" role="img" aria-label="not applicable">\s*—\s*<\/span>\s*After masking, turn-left/,
    );
    const scanText = text(readFileSync(path.join(site.distDir, 'experiments/scan/index.html'), 'utf8'));
    expect(scanText).toContain(
      "2 of 4 of the paper's headline claims reproduce in the quick profile (1 held though declared not expected at this scale; 1 not reproduced, not expected at this scale; 1 not applicable). Apart from those: 4 of 4 checks hold. 3 of 8 expectations were declared after a run had shown the outcome.",
    );

    // The SCAN write-up: every claim's verdict inline, configuration values found, the paper-layout table.
    const scan = loadFixture('scan');
    // Each row is typed and dated; the n/a row says what its premise needed, and shows no ✓.
    const row = (id: string) => scanPage.match(new RegExp(`<tr id="finding-${id}"[^>]*>([\\s\\S]*?)</tr>`))?.[1] ?? '';
    const naRow = row('turn-left-stays-higher');
    expect(naRow).toContain('<span class="verdict na">— not applicable</span>');
    expect(naRow).toContain(`Premise not met: ${scan.findings.find((f) => f.id === 'turn-left-stays-higher')!.premise}`.replace(/"/g, '&quot;'));
    expect(naRow).not.toContain('✓');
    expect(naRow).toContain('<span class="kind-label claim">headline claim</span>');
    expect(text(naRow)).toContain('Expectation declared after a run had shown the outcome (2026-12-01) — the premise was added after the published run');
    expect(row('pretrained-solves-iid')).toContain('<span class="kind-label check">check</span>');
    expect(text(row('pretrained-solves-iid'))).toContain('Expectation declared before the run (2026-11-26)');
    expect(row('pretrained-solves-iid')).toContain('<span class="verdict ok">✓ holds</span>');
    // Claims first, then the checks, each group headed.
    expect([...scanPage.matchAll(/<tr id="finding-[^"]+" data-kind="(\w+)"/g)].map((m) => m[1])).toEqual([
      'claim',
      'claim',
      'claim',
      'claim',
      'check',
      'check',
      'check',
      'check',
    ]);
    const verdicts = [...scanPage.matchAll(/data-finding="([^"]+)"/g)].map((m) => m[1]);
    expect(verdicts.sort()).toEqual(scan.findings.map((f) => f.id).sort());
    expect(scanPage).not.toContain('has no finding');
    expect(scanPage).not.toMatch(/class="config-value"[^>]*>\?</);
    expect(scanPage).toContain(`This run uses a <span class="config-value" title="model.layers in the artifact's configuration">1</span>`);
    expect(scanPage).toMatch(/<table class="accuracy-table masks-as-columns">/);
    expect(site.log).not.toMatch(/\[site\] scan:/);

    // The permuted-MNIST write-up: listed on the index, every verdict inline, configuration values found,
    // the per-task accuracy table, no warnings from its components.
    const pm = loadFixture('permuted-mnist');
    const pmPage = readFileSync(path.join(site.distDir, 'experiments/permuted-mnist/index.html'), 'utf8');
    expect(home).toContain('<a href="/modular/experiments/permuted-mnist/">Permuted MNIST: how much');
    expect([...pmPage.matchAll(/data-finding="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(pm.findings.map((f) => f.id).sort());
    expect(pmPage).not.toContain('has no finding');
    expect(pmPage).not.toMatch(/class="config-value"[^>]*>\?</);
    expect(pmPage).toMatch(/<table class="accuracy-table task-accuracy-table">/);
    // Its last row is the worst task, which the writer's finding reads, per variant.
    const summaryRow = pmPage.match(/<tr class="summary-row">([\s\S]*?)<\/tr>/)?.[1] ?? '';
    const learned = Object.assign({}, ...pm.findings.filter((f) => f.id.startsWith('tasks-learned')).map((f) => f.evidence));
    expect([...summaryRow.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(
      ['new-init 2', 'new-init 0', 'new-init -1'].map((v) => `${(learned[`worst task, ${v}`] * 100).toFixed(1)}%`),
    );
    expect([...pmPage.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual(['transfer-sharing', 'transfer-sharing', 'weights-kept']);
    expect(site.log).not.toMatch(/\[site\] permuted-mnist:/);

    // The CIFAR-10 write-up: listed on the index, every verdict inline, configuration values found, the data
    // variant named as the re-encoded copy it is, the per-class table with each removal mask's own class emphasised.
    const c10 = loadFixture('cifar10');
    const c10Page = readFileSync(path.join(site.distDir, 'experiments/cifar10/index.html'), 'utf8');
    expect(home).toContain('<a href="/modular/experiments/cifar10/">CIFAR-10: weights only one class needs');
    expect([...c10Page.matchAll(/data-finding="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(c10.findings.map((f) => f.id).sort());
    expect(c10Page).not.toContain('has no finding');
    expect(c10Page).not.toMatch(/class="config-value"[^>]*>\?</);
    expect(c10Page).toContain(`<span class="data-variant" title="dataVariant in the artifact's provenance">${c10.provenance.dataVariant}</span>`);
    expect(c10Page).toMatch(/<span class="data-variant-note"> \(a lossy re-encoding of CIFAR-10, not the official files/);
    const classTable = c10Page.match(/<table class="accuracy-table class-accuracy-table">([\s\S]*?)<\/table>/)?.[1] ?? '';
    const tableRows = [...classTable.matchAll(/<tr>\s*<th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g)];
    expect(tableRows.map((r) => r[1])).toEqual(['unmasked network', ...c10.masks.map((m) => `${m.label} mask`)]);
    // Columns: all, then the ten classes; the emphasised cell of "without <c>" is column c.
    tableRows.slice(2).forEach((r, i) => {
      const cells = [...r[2].matchAll(/<td class="([^"]*)"/g)].map((m) => m[1]);
      expect(cells).toHaveLength(11);
      expect(cells.map((c, j) => (c.includes('key') ? j : -1)).filter((j) => j >= 0)).toEqual([i + 1]);
    });
    expect([...c10Page.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'relative-drop',
      'confusion-difference',
      'weights-kept',
      'sharing',
      'sharing',
      'mask-pictures',
      'histogram',
    ]);
    expect(c10Page).toMatch(/<table class="accuracy-table destinations-table">/);
    expect(site.log).not.toMatch(/\[site\] cifar10:/);

    if (!hasChromium) return;
    const reports = await checkSite({
      distDir: site.distDir,
      base: '/modular/',
      screenshotsDir: path.join(repoRoot, 'test-output/screenshots'),
    });
    for (const r of reports) expect(r.problems, r.page).toEqual([]);
    const byPage = Object.fromEntries(reports.map((r) => [r.page, r]));
    expect(byPage['/experiments/add-mul/'].charts).toBe(6);
    expect(byPage['/experiments/double-add/'].charts).toBe(4);
    expect(byPage['/experiments/double-add/'].images).toBe(8);
    // Split chart, token removal, weights kept, sharing, histogram; pictures: 3 output + 6 LSTM (in <details>).
    expect(byPage['/experiments/scan/'].charts).toBe(5);
    expect(byPage['/experiments/scan/'].images).toBe(9);
    // Sharing (layers 2–4), sharing with the first layer (in <details>), weights kept by task.
    expect(byPage['/experiments/permuted-mnist/'].charts).toBe(3);
    for (const width of [1100, 720]) {
      const facts = await pageFacts(site.distDir, '/modular/', 'experiments/permuted-mnist/', width);
      expect(facts.overflowX, `permuted-mnist page scrolls sideways at ${width} px`).toBe(0);
      if (width === 1100) expect(facts.scrolledBoxes).toEqual([]);
    }
    for (const width of [1100, 720]) {
      const facts = await pageFacts(site.distDir, '/modular/', 'experiments/scan/', width);
      expect(facts.overflowX, `scan page scrolls sideways at ${width} px`).toBe(0);
      // At full width nothing needs its own scroll bar either (the 8-column table fits).
      if (width === 1100) expect(facts.scrolledBoxes).toEqual([]);
      expectTokenRowsLabelled(facts);
    }
    // Relative drop, confusion differences, weights kept, sharing (cat), sharing (all, in <details>), histogram; pictures: 5 layers.
    expect(byPage['/experiments/cifar10/'].charts).toBe(6);
    expect(byPage['/experiments/cifar10/'].images).toBe(5);
    for (const width of [1100, 720]) {
      const facts = await pageFacts(site.distDir, '/modular/', 'experiments/cifar10/', width);
      expect(facts.overflowX, `cifar10 page scrolls sideways at ${width} px`).toBe(0);
      // At full width the eleven-column per-class table and the heatmap grid fit without a scroll bar.
      if (width === 1100) expect(facts.scrolledBoxes).toEqual([]);
    }
    // No write-up: the generic page draws every chart the artifact has data for (it has no confusion table).
    expect(byPage['/experiments/unwritten/'].charts).toBe(4);
  });

  it('builds the published quick artifacts, and every page passes the browser check', { timeout: 300_000 }, async () => {
    // The committed results a reader sees (content/results/quick): the real data, not fixtures.
    const site = await buildSite({ name: 'published', profile: 'quick', resultsDir: 'content/results' });
    const pages = await findPages(site.distDir);
    // Where a long artifact is committed, its experiment's page shows that run in a section of its own (findings with
    // their own anchors, its curves), and the home page's card links to it with the long profile's tally.
    const longDir = path.join(repoRoot, 'content/results/long');
    const longIds = existsSync(longDir) ? readdirSync(longDir).filter((d) => existsSync(path.join(longDir, d, 'result.json'))) : [];
    const home = parseHTML(readFileSync(path.join(site.distDir, 'index.html'), 'utf8')).document;
    for (const id of longIds) {
      const { document } = parseHTML(readFileSync(path.join(site.distDir, `experiments/${id}/index.html`), 'utf8'));
      const section = document.querySelector('#profile-long')!;
      expect(section, id).not.toBeNull();
      expect(section.querySelectorAll('tr[id^="finding-long-"]').length, id).toBeGreaterThan(0);
      // Its curves where the run recorded them (the clipping comparison's probe stages record none).
      const recorded = (JSON.parse(readFileSync(path.join(longDir, id, 'result.json'), 'utf8')).tables.curve ?? []).length > 0;
      expect(section.querySelector('figure[data-chart="curves"] svg') !== null, id).toBe(recorded);
      expect(home.querySelector(`[data-experiment="${id}"] [data-tally="companion"]`)?.textContent, id).toMatch(/in the long profile/);
    }
    expect(pages).toEqual(
      expect.arrayContaining(['', 'experiments/add-mul/', 'experiments/double-add/', 'experiments/permuted-mnist/', 'experiments/scan/', 'method/']),
    );
    expect(await siteSecurityProblems(site.distDir, CONTENT_SECURITY_POLICY)).toEqual([]);
    if (!hasChromium) return;
    const reports = await checkSite({ distDir: site.distDir, base: '/', screenshotsDir: path.join(repoRoot, 'test-output/screenshots/published') });
    for (const r of reports) expect(r.problems, r.page).toEqual([]);
    const byPage = Object.fromEntries(reports.map((r) => [r.page, r]));
    expect(byPage['/experiments/add-mul/'].charts).toBeGreaterThanOrEqual(5);
    expect(byPage['/experiments/double-add/'].images).toBeGreaterThanOrEqual(10);
    // The real output layer is far wider than the fixture's, so its rows are stretched to fit their labels.
    for (const width of [1100, 720]) expectTokenRowsLabelled(await pageFacts(site.distDir, '/', 'experiments/scan/', width));
  });

  it('refuses an artifact whose folder does not match its manifest, naming it in one line', { timeout: 300_000 }, async () => {
    // A real copy of a fixture folder with one number of its tables changed: the build must stop, not publish it.
    const resultsDir = 'test-output/tampered-results';
    const dir = path.join(repoRoot, resultsDir, 'quick/add-mul');
    for (const d of [resultsDir, 'test-output/site-build/tampered']) rmSync(path.join(repoRoot, d), { recursive: true, force: true });
    cpSync(path.join(fixtureResults, 'quick/add-mul'), dir, { recursive: true });
    const a = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'));
    a.tables.accuracy[0].accuracy = a.tables.accuracy[0].accuracy === 0.5 ? 0.6 : 0.5;
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(a, null, 2));
    const failed = await buildSite({ name: 'tampered', profile: 'quick', resultsDir }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(failed, 'the build went through').toBeDefined();
    expect(failed).toMatch(
      /^artifact test-output\/tampered-results\/quick\/add-mul fails its manifest check: result\.json "tables" does not match its manifest digest \(edited by hand\?\)\. Restore the folder or rerun the experiment\.$/m,
    );
    expect(existsSync(path.join(repoRoot, 'test-output/site-build/tampered/dist/index.html'))).toBe(false);
  });

  it('builds a profile that has no artifacts yet, and the index says so', { timeout: 300_000 }, async () => {
    const site = await buildSite({ name: 'empty', profile: 'paper', resultsDir: 'test/fixtures/results' });
    expect(await findPages(site.distDir)).toEqual(['', 'differences/', 'method/']);
    expect(readFileSync(path.join(site.distDir, 'index.html'), 'utf8')).toContain('No result artifacts yet');
    expect(await siteSecurityProblems(site.distDir, CONTENT_SECURITY_POLICY)).toEqual([]);
  });

  it('prints hostile strings from an artifact as text: no markup, script, handler or external load gets through', { timeout: 300_000 }, async () => {
    const resultsDir = 'test-output/site-build/hostile-results';
    const artifact = writeHostileResults(path.join(repoRoot, resultsDir), 'quick');
    const site = await buildSite({ name: 'hostile', profile: 'quick', resultsDir });
    expect(await findPages(site.distDir)).toEqual(['', 'differences/', 'experiments/unwritten/', 'method/']);
    expect(await siteSecurityProblems(site.distDir, CONTENT_SECURITY_POLICY)).toEqual([]);
    const { document } = parseHTML(readFileSync(path.join(site.distDir, 'experiments/unwritten/index.html'), 'utf8'));
    expect(document.querySelector('title')!.textContent).toContain(artifact.title);
    // Each hostile string reached the page, as text (in the notes, and in the fields it was put in).
    const text = document.body.textContent ?? '';
    for (const h of HOSTILE) expect(text, h).toContain(h);
    expect(text).toContain(artifact.question);
    expect(text).toContain(artifact.findings[0].claim);
    expect(text).toContain(artifact.masks[1].label);
    // The charts (SVG strings from Plot, set as HTML) show the hostile labels as text too.
    const charts = [...document.querySelectorAll('figure.chart')].map((f) => f.textContent ?? '').join(' ');
    expect(charts).toContain(artifact.tables.accuracy[0].evalSet);
    // A legend colour that is not a plain colour is dropped, not pasted into the style attribute.
    const swatches = [...document.querySelectorAll('.swatch')].map((s) => s.getAttribute('style'));
    expect(swatches.length).toBeGreaterThan(0);
    expect(new Set(swatches)).toEqual(new Set(['background:transparent']));
    if (!hasChromium) return;
    const reports = await checkSite({ distDir: site.distDir, base: '/', screenshotsDir: path.join(repoRoot, 'test-output/screenshots/hostile') });
    for (const r of reports) expect(r.problems, r.page).toEqual([]);
  });
});

/** SCAN's output layer, once per pair of masks: each row named by its token and level with it. */
function expectTokenRowsLabelled(facts: Awaited<ReturnType<typeof pageFacts>>): void {
  expect(facts.labelled).toHaveLength(3);
  for (const picture of facts.labelled) {
    expect(picture.labels).toEqual(['I_TURN_LEFT', 'I_TURN_RIGHT', 'I_JUMP', 'I_WALK', 'I_RUN', 'I_LOOK', 'EOS']);
    const row = (picture.imageBottom - picture.imageTop) / picture.labels.length;
    picture.labelCentres.forEach((y, i) => expect(Math.abs(y - (picture.imageTop + (i + 0.5) * row))).toBeLessThan(1.5));
  }
}
