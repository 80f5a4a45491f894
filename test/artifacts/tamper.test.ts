// Tampering with a published artifact is detected: each case edits a copy of
// the committed quick add-mul artifact the way a careless or dishonest hand
// would, and verify (integrity, derivation and findings; no retraining) must
// name what is wrong. Cases marked `+manifest` also rewrite the manifest to
// match, so the deeper checks (masks against tables, findings recomputed from
// the tables by the experiment's own code) must catch them.
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestOf } from '../../experiments/artifacts/manifest.ts';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { verifyArtifacts } from '../../experiments/runtime/verify-artifacts.ts';
import { addMul } from '../../experiments/tasks/add-mul.ts';

const REPO = join(import.meta.dirname, '../..');
const SOURCE = join(REPO, 'content/results/quick/add-mul');

type Edit = (a: ResultArtifact, dir: string) => void;

function copy(): string {
  const root = mkdtempSync(join(tmpdir(), 'tamper-'));
  cpSync(SOURCE, join(root, 'quick', 'add-mul'), { recursive: true });
  return root;
}

function resealManifest(a: ResultArtifact, dir: string): void {
  const files = new Map<string, Uint8Array>([[a.maskFile.file, new Uint8Array(readFileSync(join(dir, a.maskFile.file)))]]);
  for (const img of a.images) files.set(img.file, new Uint8Array(readFileSync(join(dir, img.file))));
  a.manifest = manifestOf(a, files);
}

async function problemsAfter(edit: Edit): Promise<string[]> {
  const root = copy();
  const dir = join(root, 'quick', 'add-mul');
  const a = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultArtifact;
  edit(a, dir);
  writeFileSync(join(dir, 'result.json'), JSON.stringify(a));
  const [report] = await verifyArtifacts({ resultsDir: root, profile: 'quick', experiments: [addMul], freshness: null });
  return report.problems;
}

const finding = (a: ResultArtifact, id: string) => a.findings.find((f) => f.id === id)!;

const CASES: Array<[string, Edit, RegExp]> = [
  [
    'a number in the accuracy table',
    (a) => {
      a.tables.accuracy[3].accuracy = 0.99;
    },
    /"tables" does not match its manifest/,
  ],
  [
    'a number in the accuracy table +manifest (a finding reads it)',
    (a, dir) => {
      const row = a.tables.accuracy.find((r) => r.column === '+' && r.evalSet === '×')!;
      row.accuracy = 0.5;
      resealManifest(a, dir);
    },
    /finding "add-mask-keeps-add-loses-mul": stored verdict/,
  ],
  [
    "a finding's evidence",
    (a) => {
      finding(a, 'mul-needs-more-weights').evidence['ratio ×/+'] = 9;
    },
    /finding "mul-needs-more-weights": stored evidence/,
  ],
  [
    'holds flipped false → true',
    (a) => {
      const f = finding(a, 'sharing-highest-at-io');
      f.holds = true;
      f.verdict = 'holds';
    },
    /finding "sharing-highest-at-io": stored verdict "holds", recomputed "fails"/,
  ],
  [
    'a failing finding marked expected',
    (a) => {
      finding(a, 'control-mask-keeps-performance').expected = true;
    },
    /finding "control-mask-keeps-performance": stored expected true, recomputed false/,
  ],
  [
    'an after-run declaration passed off as before',
    (a) => {
      finding(a, 'sharing-highest-at-io').declared.relative = 'before-run';
    },
    /finding "sharing-highest-at-io": stored declared/,
  ],
  [
    'a check passed off as a claim',
    (a) => {
      finding(a, 'pretrained-solves-both').kind = 'claim';
    },
    /finding "pretrained-solves-both": stored kind/,
  ],
  [
    'provenance.config',
    (a) => {
      (a.provenance.config as { mask: { steps: number } }).mask.steps = 20000;
    },
    /"provenance" does not match its manifest/,
  ],
  [
    'provenance.config +manifest',
    (a, dir) => {
      (a.provenance.config as { mask: { steps: number } }).mask.steps = 20000;
      resealManifest(a, dir);
    },
    /provenance\.config does not hash to the config part of its cache key/,
  ],
  [
    'masks.bin cut to half its length',
    (a, dir) => truncateSync(join(dir, 'masks.bin'), Math.floor(readFileSync(join(dir, 'masks.bin')).length / 2)),
    /masks\.bin does not match its manifest digest/,
  ],
  [
    'masks.bin cut to half +manifest',
    (a, dir) => {
      truncateSync(join(dir, 'masks.bin'), Math.floor(readFileSync(join(dir, 'masks.bin')).length / 2));
      resealManifest(a, dir);
    },
    /masks\.bin has \d+ bytes, its entries \d+/,
  ],
  [
    'a kept count in the weights table +manifest',
    (a, dir) => {
      a.tables.weightsKept[4].kept -= 10;
      resealManifest(a, dir);
    },
    /weightsKept seed \d+ normal\/\w+ layer\d: kept \d+, the mask has \d+/,
  ],
  [
    'an IoU in the overlap table +manifest',
    (a, dir) => {
      a.tables.overlap[2].iou = 0.1;
      resealManifest(a, dir);
    },
    /overlap seed \d+ normal add∧mul layer\d: iou 0\.1, the masks give/,
  ],
  [
    'a mask picture edited',
    (a, dir) => {
      const p = join(dir, a.images[0].file);
      const bytes = readFileSync(p);
      bytes[bytes.length - 20] ^= 0xff;
      writeFileSync(p, bytes);
    },
    /images\/.*\.png does not match its manifest digest/,
  ],
  [
    'a mask picture edited +manifest',
    (a, dir) => {
      const p = join(dir, a.images[0].file);
      const bytes = readFileSync(p);
      bytes[bytes.length - 20] ^= 0xff;
      writeFileSync(p, bytes);
      resealManifest(a, dir);
    },
    /images\/.*\.png differs from what the code derives/,
  ],
  [
    'a run note edited',
    (a) => {
      a.notes[0] = 'Network: FNN 42→2000→2000→2000→2000→20.';
    },
    /notes differ from what the code derives/,
  ],
  ['a stray file in the artifact folder', (_a, dir) => writeFileSync(join(dir, 'extra.png'), 'x'), /extra\.png is not in the manifest/],
];

describe('tampered artifacts are detected', () => {
  it('the committed artifact itself passes', async () => {
    expect(await problemsAfter(() => {})).toEqual([]);
  }, 60_000);

  it.each(CASES)(
    '%s',
    async (_name, edit, expected) => {
      const problems = await problemsAfter(edit);
      expect(problems.join('\n')).toMatch(expected);
      for (const p of problems) expect(p).not.toContain('\n');
    },
    60_000,
  );
});
