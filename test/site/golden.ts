// Golden files of the chart tests: test/site/golden/<name>.html holds the
// rendered HTML fragment (a Plot SVG and its legend). UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './fixture-artifacts.ts';

const goldenDir = path.join(repoRoot, 'test/site/golden');
const update = process.env.UPDATE_GOLDEN === '1';

export function matchGolden(name: string, html: string): void {
  const file = path.join(goldenDir, `${name}.html`);
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`missing golden file ${file}; run with UPDATE_GOLDEN=1 to create it`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, `${html}\n`);
    return;
  }
  expect(html, `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(file, 'utf8').trimEnd());
}
