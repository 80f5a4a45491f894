// Opens every page of a built site in headless Chromium and checks what a reader
// would see: the page loads (200), no console errors, Content-Security-Policy
// violations or failed requests, every chart figure holds a drawn SVG, every
// image loaded, every internal link resolves. Saves a full-page screenshot per
// page for eyeballing.
//
// CLI:  npx tsx scripts/browser-check.ts [dist] [--screenshots test-output/screenshots]
// (SITE_BASE must match the base the site was built with.) Needs /usr/bin/chromium
// (Debian: apt-get install -y chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { serveStatic } from './static-server.ts';

export const chromiumPath = '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { html: string }[];
}

let axeText: string | null = null;
/** axe-core's browser build, read once. */
function axeSource(): string {
  axeText ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeText;
}

export interface CheckOptions {
  distDir: string;
  base?: string;
  screenshotsDir?: string;
  executablePath?: string;
}

export interface PageReport {
  page: string;
  problems: string[];
  charts: number;
  images: number;
  screenshot?: string;
}

/** Site-relative paths of all pages ("" for the home page), found as index.html files. */
export async function findPages(distDir: string): Promise<string[]> {
  const files = await readdir(distDir, { recursive: true });
  return files
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f === 'index.html' || f.endsWith('/index.html'))
    .map((f) => f.slice(0, -'index.html'.length))
    .sort();
}

export async function checkSite(options: CheckOptions): Promise<PageReport[]> {
  const pages = await findPages(options.distDir);
  if (pages.length === 0) throw new Error(`no index.html pages under ${options.distDir}`);
  const server = await serveStatic(options.distDir, options.base);
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'browser-check-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: options.executablePath ?? chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1100, height: 900 },
  });
  try {
    if (options.screenshotsDir) await mkdir(options.screenshotsDir, { recursive: true });
    const reports: PageReport[] = [];
    for (const page of pages) reports.push(await checkPage(await context.newPage(), server.url, page, options.screenshotsDir));
    return reports;
  } finally {
    await context.close();
    await server.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}

async function checkPage(page: Page, siteUrl: string, pagePath: string, screenshotsDir?: string): Promise<PageReport> {
  const problems: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.text().startsWith('Refused to')) && problems.push(`console error: ${m.text()}`));
  // Anything the Content-Security-Policy blocks is a problem too. The listener is an init script, which the policy
  // does not cover (the site itself runs no script); it reports through the console listener above.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));

  const response = await page.goto(siteUrl + pagePath, { waitUntil: 'load' });
  if (response?.status() !== 200) problems.push(`page status ${response?.status()}`);

  const found = await page.evaluate(() => {
    const issues: string[] = [];
    const charts = [...document.querySelectorAll('figure.chart')];
    charts.forEach((figure, i) => {
      // The chart itself, not a legend swatch: a wide SVG with drawn marks.
      const drawn = [...figure.querySelectorAll('svg')].filter(
        (svg) => svg.getBoundingClientRect().width > 100 && svg.querySelectorAll('rect, path, circle, line').length > 0,
      );
      if (drawn.length === 0) issues.push(`chart ${i + 1} (${figure.getAttribute('data-chart')}) has no drawn SVG`);
    });
    const images = [...document.images];
    for (const img of images) if (!img.complete || img.naturalWidth === 0) issues.push(`image not loaded: ${img.src}`);
    const links = [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href).filter((href) => href.startsWith(location.origin));
    return { issues, charts: charts.length, images: images.length, links: [...new Set(links)] };
  });
  problems.push(...found.issues);

  // Accessibility: axe-core's rules, serious and critical violations are problems. Evaluated through the
  // DevTools protocol, which the page's Content-Security-Policy does not govern (the site runs no script).
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `accessibility: ${v.id} (${v.impact}) on ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.html.slice(0, 100)}`);
  });
  problems.push(...violations);

  for (const link of found.links) {
    const status = (await page.request.get(link.split('#')[0])).status();
    if (status !== 200) problems.push(`broken link ${link} (HTTP ${status})`);
  }

  let screenshot: string | undefined;
  if (screenshotsDir) {
    screenshot = path.join(screenshotsDir, `${pagePath.replace(/\/$/, '').replaceAll('/', '-') || 'index'}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  await page.close();
  return { page: `/${pagePath}`, problems, charts: found.charts, images: found.images, screenshot };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--screenshots');
  const screenshotsDir = at >= 0 ? args[at + 1] : 'test-output/screenshots';
  const distDir = args.find((a, i) => !a.startsWith('--') && i !== at + 1) ?? 'dist';
  const reports = await checkSite({ distDir, base: process.env.SITE_BASE, screenshotsDir });
  for (const r of reports) {
    console.log(`${r.problems.length === 0 ? 'ok  ' : 'FAIL'} ${r.page} (${r.charts} charts, ${r.images} images)`);
    for (const p of r.problems) console.log(`     ${p}`);
  }
  const failed = reports.filter((r) => r.problems.length > 0).length;
  console.log(`${reports.length} pages checked, ${failed} with problems; screenshots in ${screenshotsDir}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
