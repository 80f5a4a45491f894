// Builds an experiment's artifact from the outputs of all its seeds: the tidy
// tables (concatenated), the pooled histograms, the masks file, the mask
// pictures, then the findings, which read the assembled tables, and last the
// manifest of content digests. Everything here is a pure function of the seed
// outputs and the provenance, so verify can assemble again and compare.
import type { Finding, HistogramRow, MaskFileEntry, Provenance, ResultArtifact } from './schema.ts';
import { manifestOf } from './manifest.ts';
import type { FindingDraft } from '../tasks/finding-helpers.ts';
import { SCHEMA_VERSION, resultArtifactSchema } from './schema.ts';
import { renderMaskPicture } from './mask-pictures.ts';
import { unpackBits } from '../masking/binary-mask.ts';
import { configOn, type AnyExperiment, type SeedOutput } from '../tasks/experiment.ts';

export interface AssembledArtifact {
  artifact: ResultArtifact;
  /** Files beside result.json, by relative path. */
  files: Map<string, Uint8Array>;
}

export const MASKS_FILE = 'masks.bin';

function pooledHistogram(outputs: SeedOutput[]): HistogramRow[] {
  const byMask = new Map<string, number[]>();
  for (const o of outputs) {
    for (const h of o.histograms) {
      const acc = byMask.get(h.mask) ?? new Array<number>(h.counts.length).fill(0);
      h.counts.forEach((c, i) => (acc[i] += c));
      byMask.set(h.mask, acc);
    }
  }
  return [...byMask].flatMap(([mask, counts]) => counts.map((count, i) => ({ mask, x0: i / counts.length, x1: (i + 1) / counts.length, count })));
}

function masksFile(outputs: SeedOutput[]): { bytes: Uint8Array; entries: MaskFileEntry[] } {
  const entries: MaskFileEntry[] = [];
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const o of outputs) {
    for (const m of o.masks) {
      const mask = m.variant === 'normal' ? m.mask : `${m.variant}/${m.mask}`;
      entries.push({ seed: o.seed, mask, layer: m.layer, shape: m.shape, offset, bytes: m.packed.length, kept: m.kept });
      parts.push(m.packed);
      offset += m.packed.length;
    }
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, entries };
}

export async function assembleArtifact(
  experiment: AnyExperiment,
  config: { seeds: number[] },
  outputs: SeedOutput[],
  provenance: Provenance,
): Promise<AssembledArtifact> {
  const sorted = [...outputs].sort((a, b) => a.seed - b.seed);
  const files = new Map<string, Uint8Array>();
  const masks = masksFile(sorted);
  files.set(MASKS_FILE, masks.bytes);

  // Pictures for the first seed only: one per layer and requested mask pair.
  const first = sorted[0];
  const images: ResultArtifact['images'] = [];
  const maskInfo = experiment.masks(config);
  const labelOf = (variant: string, id: string) => maskInfo.find((m) => m.variant === variant && m.id === id)?.label ?? id;
  for (const pic of experiment.pictures) {
    const of = (id: string) => first.masks.filter((m) => m.variant === pic.variant && m.mask === id);
    const as = of(pic.a),
      bs = of(pic.b);
    // A config without one of the pair's masks (a named run removing other classes) draws no picture of it.
    if (as.length === 0 || bs.length !== as.length) continue;
    for (let l = 0; l < as.length; l++) {
      const shape = as[l].shape as [number, number];
      const size = shape[0] * shape[1];
      const { png, image } = await renderMaskPicture({
        seed: first.seed,
        variant: pic.variant,
        layer: as[l].layer,
        ids: { a: pic.a, b: pic.b },
        shape,
        a: unpackBits(as[l].packed, size),
        b: unpackBits(bs[l].packed, size),
        labelA: labelOf(pic.variant, pic.a),
        labelB: labelOf(pic.variant, pic.b),
      });
      files.set(image.file, png);
      images.push(image);
    }
  }

  const withoutFindings = {
    schemaVersion: SCHEMA_VERSION,
    experiment: experiment.id,
    title: experiment.title,
    question: experiment.question,
    provenance,
    masks: maskInfo,
    layers: experiment.layers(config),
    tables: {
      pretrain: sorted.flatMap((o) => o.pretrain),
      accuracy: sorted.flatMap((o) => o.accuracy),
      weightsKept: sorted.flatMap((o) => o.weightsKept),
      overlap: sorted.flatMap((o) => o.overlap),
      confusion: sorted.flatMap((o) => o.confusion),
      ...(sorted.some((o) => o.tokenRemoval) ? { tokenRemoval: sorted.flatMap((o) => o.tokenRemoval ?? []) } : {}),
      ...(sorted.some((o) => o.curve) ? { curve: sorted.flatMap((o) => o.curve ?? []) } : {}),
      histogram: pooledHistogram(sorted),
    },
    images,
    maskFile: { file: MASKS_FILE, entries: masks.entries },
    references: experiment.references,
    notes: experiment.notes(config),
    ...paperRunOf(experiment, config, provenance.profile),
  };
  let findings = experiment.findings(withoutFindings, config).map((f) => resolveDeclared(f, provenance));
  // The ci profile exists to exercise code paths in seconds; it reproduces nothing.
  if (provenance.profile === 'ci') {
    findings = findings.map((f) => ({
      ...f,
      expected: false,
      expectation: 'the ci profile only exercises the code paths (tiny network, a few hundred steps)',
    }));
  }
  const manifest = manifestOf(withoutFindings, files);
  const artifact = resultArtifactSchema.parse({ ...withoutFindings, findings, manifest });
  return { artifact, files };
}

/** Where the experiment states its work and has a paper profile: that run's work over this one's (the page estimates its time). */
function paperRunOf(experiment: AnyExperiment, config: unknown, profile: string): { paperRun?: { what: string; workRatio: number } } {
  const paper = configOn(experiment, 'paper');
  if (!experiment.work || !paper || profile === 'paper') return {};
  const [ours, target] = [experiment.work(config).units, experiment.work(paper)];
  return ours > 0 ? { paperRun: { what: target.what, workRatio: target.units / ours } } : {};
}

/**
 * Dates a finding's expectation against the run that computed the artifact.
 * One declared after that run must say why: a threshold moved after seeing the
 * numbers is shown as such, never passed off as a prediction.
 */
export function resolveDeclared(f: FindingDraft, provenance: Pick<Provenance, 'startedAt' | 'profile'>): Finding {
  const at = Date.parse(f.declared.at);
  if (Number.isNaN(at)) throw new Error(`finding ${f.id}: declared.at "${f.declared.at}" is not an ISO time`);
  const afterRun = f.declared.afterSeeing !== undefined || at > Date.parse(provenance.startedAt);
  if (afterRun && f.declared.afterSeeing === undefined && provenance.profile !== 'ci') {
    throw new Error(
      `finding ${f.id}: its expectation was declared at ${f.declared.at}, after the run that computed this artifact (started ${provenance.startedAt}); say why in declared.afterSeeing, or rerun`,
    );
  }
  return {
    ...f,
    declared: {
      at: new Date(at).toISOString(),
      relative: afterRun ? 'after-run' : 'before-run',
      ...(f.declared.afterSeeing ? { reason: f.declared.afterSeeing } : {}),
    },
  };
}
