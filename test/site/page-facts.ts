// Layout facts of a built page as Chromium lays it out, for checks the generic
// browser check (scripts/browser-check.ts) does not make: whether the page, or
// a box inside it (a table in its scrolling wrapper), scrolls sideways because
// something is wider than the column, and whether the
// row labels of a labelled mask picture (SCAN's output tokens) line up with
// the picture's rows.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../../scripts/browser-check.ts';
import { serveStatic } from '../../scripts/static-server.ts';

export interface LabelledPicture {
  labels: string[];
  /** Top and bottom (CSS px) of the image's pixels, inside its 1 px border. */
  imageTop: number;
  imageBottom: number;
  /** Vertical centre of each label. */
  labelCentres: number[];
}

export interface PageFacts {
  /** How far the page is wider than the viewport (0 = no sideways scrolling). */
  overflowX: number;
  /** Boxes that scroll sideways inside the page (tables and labelled pictures may, on narrow screens). */
  scrolledBoxes: string[];
  labelled: LabelledPicture[];
}

export async function pageFacts(distDir: string, base: string, page: string, width = 1100): Promise<PageFacts> {
  const server = await serveStatic(distDir, base);
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'page-facts-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    viewport: { width, height: 900 },
  });
  try {
    const tab = await context.newPage();
    await tab.goto(server.url + page, { waitUntil: 'load' });
    return await tab.evaluate(() => {
      const overflowX = document.documentElement.scrollWidth - document.documentElement.clientWidth;
      const labelled = [...document.querySelectorAll('.labelled-picture')].map((box) => {
        const img = box.querySelector('img')!.getBoundingClientRect();
        const items = [...box.querySelectorAll('.row-labels li')];
        return {
          labels: items.map((li) => li.textContent ?? ''),
          imageTop: img.top + 1,
          imageBottom: img.bottom - 1,
          labelCentres: items.map((li) => {
            const r = li.getBoundingClientRect();
            return (r.top + r.bottom) / 2;
          }),
        };
      });
      const scrolledBoxes = [...document.querySelectorAll('.table-wrap, .labelled-picture, figure')]
        .filter((box) => box.scrollWidth > box.clientWidth + 1)
        .map((box) => `${box.className}: ${box.querySelector('caption, .picture-layer')?.textContent?.trim() ?? ''}`);
      return { overflowX, scrolledBoxes, labelled };
    });
  } finally {
    await context.close();
    await server.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}
