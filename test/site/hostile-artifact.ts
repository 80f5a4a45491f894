// A results folder whose one artifact (a copy of the fixture without a
// write-up) carries hostile strings in every text field the site shows:
// markup, event handlers, script and external URLs, CSS that loads from
// elsewhere. The site must print them as text, and the pages must still hold
// to page-security.ts. Ids and numbers stay as they are, so every chart draws.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { manifestOf } from '../../experiments/artifacts/manifest.ts';
import { resultArtifactSchema, type ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { fixtureResults } from './fixture-artifacts.ts';

export const HOSTILE = [
  '<script>alert("t")</script>',
  '"><img src=x onerror=alert(1)>',
  '</title><script src="https://evil.example/x.js"></script>',
  '<iframe src="https://evil.example/"></iframe>',
  '<a href="javascript:alert(2)">click</a>',
  '<style>@import url(https://evil.example/x.css)</style>',
  "' onmouseover='alert(3)",
  '<svg onload=alert(4)><image href="https://evil.example/i.png"/></svg>',
] as const;

/** An evaluation-set or mask label with a hostile tail (different per label, so labels stay distinct). */
const tail = (s: string, i: number) => `${s} ${HOSTILE[i % HOSTILE.length]}`;

/** Writes <root>/<profile>/unwritten/ (artifact, masks, pictures) with hostile strings; returns the artifact. */
export function writeHostileResults(root: string, profile: string): ResultArtifact {
  const source = path.join(fixtureResults, 'quick', 'unwritten');
  const dir = path.join(root, profile, 'unwritten');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(source, dir, { recursive: true });
  const a = resultArtifactSchema.parse(JSON.parse(readFileSync(path.join(source, 'result.json'), 'utf8')));
  const evalSets = [...new Set(a.tables.accuracy.map((r) => r.evalSet))];
  const evalSet = (s: string) => tail(s, evalSets.indexOf(s) + 1);
  const hostile: ResultArtifact = {
    ...a,
    title: `Hostile ${HOSTILE[0]} ${HOSTILE[2]}`,
    question: `Does it escape ${HOSTILE[1]} and ${HOSTILE[6]}?`,
    provenance: {
      ...a.provenance,
      profile: profile as ResultArtifact['provenance']['profile'],
      dataVariant: HOSTILE[2],
      machine: { ...a.provenance.machine, cpuModel: HOSTILE[3] },
      git: { ...a.provenance.git, commit: HOSTILE[4] },
    },
    masks: a.masks.map((m, i) => ({ ...m, label: tail(m.label, i), trainedOn: tail(m.trainedOn, i + 3) })),
    layers: a.layers.map((l, i) => ({ ...l, label: tail(l.label, i + 5), role: tail(l.role, i + 2) })),
    tables: {
      ...a.tables,
      pretrain: a.tables.pretrain.map((r) => ({ ...r, evalSet: evalSet(r.evalSet) })),
      accuracy: a.tables.accuracy.map((r) => ({ ...r, evalSet: evalSet(r.evalSet) })),
    },
    images: a.images.map((img) => ({
      ...img,
      axes: `${img.axes} ${HOSTILE[6]}`,
      legend: img.legend.map((e, i) => ({ label: tail(e.label, i + 4), color: 'red;background-image:url(https://evil.example/bg.png)' })),
    })),
    findings: a.findings.map((f, i) => ({
      ...f,
      claim: tail(f.claim, i),
      paper: tail(f.paper, i + 1),
      expectation: HOSTILE[(i + 2) % HOSTILE.length],
      evidence: Object.fromEntries(Object.entries(f.evidence).map(([k, v], j) => [tail(k, i + j + 3), v])),
    })),
    references: a.references.map((r, i) => ({ source: tail(r.source, i + 5), quantity: tail(r.quantity, i + 6), value: tail(r.value, i + 7) })),
    notes: [...a.notes, ...HOSTILE, '[a markdown link](javascript:alert(5)) and <https://evil.example/autolink>'],
  };
  // Sealed like a real artifact, so the build's manifest check lets it through to the pages under test.
  const files = new Map<string, Uint8Array>([a.maskFile.file, ...a.images.map((i) => i.file)].map((f) => [f, new Uint8Array(readFileSync(path.join(dir, f)))]));
  hostile.manifest = manifestOf(hostile, files);
  writeFileSync(path.join(dir, 'result.json'), JSON.stringify(resultArtifactSchema.parse(hostile), null, 2));
  return hostile;
}
