// The one schema of an experiment's result artifact. The experiments write it
// (experiments/artifacts/store.ts validates before writing) and the site reads it
// (src/content.config.ts uses the same object), so the two cannot drift apart.
//
// Results are stored as tidy tables: one row per (seed, mask, layer, ...) so
// that every chart is a plain filter + aggregate over rows, and every number on
// the site can be traced to rows of this file.
import { z } from 'zod';

// 2: behaviour cache keys, a content manifest, typed and dated findings.
export const SCHEMA_VERSION = 2 as const;

const finite = z.number().finite();
const fraction = z.number().min(0).max(1);

// ci: seconds, exercises every code path; quick: the default, ≤ 2.5 h on 2 cores;
// long: about 10 h on 2 cores, run in pieces; paper: the paper's sizes (a GPU).
export const profileNameSchema = z.enum(['ci', 'quick', 'long', 'paper']);
export type ProfileName = z.infer<typeof profileNameSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const cacheKeySchema = z.object({
  scheme: z.literal(2),
  key: sha256Hex,
  /** The resolved config (hash of provenance.config). */
  config: sha256Hex,
  /** The numerics fingerprint of the code that computed it (runtime/fingerprint.ts). */
  numerics: sha256Hex,
  /** Digest of the data read (runtime/data-digest.ts). */
  data: sha256Hex,
  /** Backend, mask kernels and tfjs version. */
  environment: z.string(),
  /** Hash of the code text: not part of the key; when it is unchanged the fingerprint need not be retaken. */
  code: sha256Hex,
  /** Set on artifacts whose key was moved from the code-text scheme (content/results/key-migration.json). */
  migratedFrom: z.object({ oldKey: sha256Hex, recordCommit: z.string() }).optional(),
});
export type StoredCacheKey = z.infer<typeof cacheKeySchema>;

export const backendInfoSchema = z.object({
  /** tfjs backend actually used: tensorflow (tfjs-node or -gpu), wasm, cpu. */
  name: z.string(),
  /** Which package provided it, e.g. @tensorflow/tfjs-backend-wasm. */
  package: z.string(),
  /** The element-wise mask kernels used: wasm-simd, js, or tf-ops. */
  kernels: z.enum(['wasm-simd', 'js', 'tf-ops']),
  simd: z.boolean().optional(),
  /** Why better backends were not used (e.g. "tfjs-node: not installed"). */
  skipped: z.array(z.string()),
});
export type BackendInfo = z.infer<typeof backendInfoSchema>;

export const provenanceSchema = z.object({
  profile: profileNameSchema,
  /** The resolved configuration of the experiment for this profile. */
  config: z.record(z.unknown()),
  seeds: z.array(z.number().int()),
  backend: backendInfoSchema,
  versions: z.object({ tfjs: z.string(), node: z.string(), astro: z.string().optional() }),
  /** The tree the numbers were computed from; `allowDirty` when published from a dirty tree on request. */
  git: z.object({ commit: z.string(), dirty: z.boolean(), allowDirty: z.boolean().optional() }),
  machine: z.object({ cpus: z.number().int(), cpuModel: z.string(), platform: z.string(), workers: z.number().int() }),
  /** Hashes behind the cache key: each changes independently (runtime/cache-key.ts). */
  cache: cacheKeySchema,
  dataVariant: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** Wall time in seconds: total, and per seed and stage. */
  wallSeconds: z.object({
    total: finite,
    stages: z.array(z.object({ seed: z.number().int(), stage: z.string(), seconds: finite, steps: z.number().int(), stepsPerSecond: finite })),
  }),
  /**
   * When the derived parts (findings, notes, pictures, tables from the seed
   * outputs) were last assembled, from which tree: equal to the computation's
   * unless the artifact was re-derived without retraining.
   */
  derivation: z.object({ commit: z.string(), dirty: z.boolean(), at: z.string() }),
  /** A named run (experiments/runs/): its name, what it is for, and its patch on the profile's config. Absent: the profile's own run. */
  run: z.object({ name: z.string(), purpose: z.string(), patch: z.record(z.unknown()) }).optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** One mask used for analysis: a stage of the method (control, +, pair 1, ...). */
export const maskInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** What the mask was trained on, in words. */
  trainedOn: z.string(),
  /** Variant of the network, e.g. "normal" or "copy-weight". */
  variant: z.string(),
});

export const layerInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  shape: z.array(z.number().int().positive()),
  /** Rows and columns mean: rows = input units, columns = output units. */
  role: z.string(),
});

/** Accuracy of the network under one mask (or none) on one evaluation set. */
export const accuracyRowSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  /** Column of the table: "unmasked", "Full", "+", "¬+", ... */
  column: z.string(),
  /** Row of the table: the evaluation set ("+", "×", "Pair 1", ...). */
  evalSet: z.string(),
  accuracy: fraction,
});

export const weightsKeptRowSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  mask: z.string(),
  layer: z.string(),
  kept: z.number().int().nonnegative(),
  total: z.number().int().positive(),
});

export const overlapRowSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  /** The two masks compared, by mask id. */
  a: z.string(),
  b: z.string(),
  layer: z.string(),
  intersection: z.number().int().nonnegative(),
  union: z.number().int().nonnegative(),
  iou: fraction,
  iomin: fraction,
  /** |a ∧ b| / |a|: share of a's weights that b also uses. */
  sharedOfA: fraction,
  /**
   * The IoU two independent random masks with the same densities would have:
   * pa·pb / (pa + pb − pa·pb). Dense masks overlap a lot by chance alone.
   */
  chanceIou: fraction,
});

export const confusionRowSchema = z.object({
  seed: z.number().int(),
  mask: z.string(),
  /** True operation of the input. */
  trueOp: z.string(),
  /** What the 2-digit prediction equals: "sum", "product", "both", "neither". */
  predicted: z.string(),
  fraction: fraction,
});

/**
 * Per-output-token removal (SCAN, docs/method.md §5.5): of the base mask's
 * weights into one output token (a column of the output projection), the
 * share that another mask drops: |M₀[:, r] ∧ ¬M[:, r]| / |M₀[:, r]|.
 */
export const tokenRemovalRowSchema = z.object({
  seed: z.number().int(),
  /** The reference mask (the i.i.d. one) and the mask compared with it. */
  base: z.string(),
  mask: z.string(),
  token: z.string(),
  baseKept: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  share: fraction,
});

/**
 * One point of a mask stage's training curve (about 20 per stage, plus step 0
 * and the last step), measured on fixed, cheap subsets with the binary mask of
 * that step (logit > 0): accuracy on an evaluation set, the kept fraction of a
 * layer, or a layer's IoU with another mask at the same step.
 */
export const curveRowSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  mask: z.string(),
  step: z.number().int().nonnegative(),
  metric: z.enum(['accuracy', 'kept', 'iou']),
  /** The evaluation set (accuracy) or the layer (kept, iou). */
  subject: z.string(),
  /** iou: the other mask (trained before this one, compared at the same step). */
  against: z.string().optional(),
  value: fraction,
});

export const histogramRowSchema = z.object({
  mask: z.string(),
  /** Bin of sigma(logit): [x0, x1). Counts pooled over seeds and layers. */
  x0: fraction,
  x1: fraction,
  count: z.number().int().nonnegative(),
});

export const pretrainRowSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  evalSet: z.string(),
  accuracy: fraction,
  steps: z.number().int(),
  finalLoss: finite,
});

export const maskImageSchema = z.object({
  seed: z.number().int(),
  variant: z.string(),
  layer: z.string(),
  /** The two masks the picture colours (mask ids), when the writer recorded them. */
  pair: z.object({ a: z.string(), b: z.string() }).optional(),
  /** Path relative to the artifact's folder. */
  file: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** What the picture's axes are, e.g. "x: 384 input units, y: 20 output units". */
  axes: z.string(),
  /** Colour legend: which mask combination each colour stands for. */
  legend: z.array(z.object({ label: z.string(), color: z.string() })),
});

export const maskFileEntrySchema = z.object({
  seed: z.number().int(),
  mask: z.string(),
  layer: z.string(),
  shape: z.array(z.number().int().positive()),
  /** Byte offset and length of the bit-packed mask in the masks file. */
  offset: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
});

export const findingSchema = z.object({
  id: z.string(),
  /**
   * claim: one of the paper's headline claims; trend: a scale finding of this
   * reproduction (how a quantity moves with width or stage length, declared
   * before the run); check: a precondition or sanity check (the network solves
   * the task, the control mask keeps accuracy). The site and verify count them apart.
   */
  kind: z.enum(['claim', 'trend', 'check']),
  /** The claim as we test it, with its threshold, in words. */
  claim: z.string(),
  /** What the paper says, quoted or paraphrased. */
  paper: z.string(),
  /** The numbers the decision was made on (means over seeds unless named otherwise). */
  evidence: z.record(finite),
  /**
   * holds / fails; n/a when its premise does not hold (e.g. "stays higher when
   * the others collapse" with nothing collapsed): then `holds` is false and
   * `premise` says what was missing.
   */
  verdict: z.enum(['holds', 'fails', 'n/a']),
  holds: z.boolean(),
  premise: z.string().optional(),
  /**
   * Whether this profile is expected to reproduce the claim. False where we
   * know the scale is too small (the reason is in `expectation`); `npm run
   * verify` fails only when an expected finding does not hold.
   */
  expected: z.boolean(),
  expectation: z.string().optional(),
  /**
   * When the expectation (expected or not, and the threshold) was declared,
   * relative to the run that computed this artifact: before it, or after it
   * (then `reason` says why it was changed after seeing a result).
   */
  declared: z.object({ at: z.string(), relative: z.enum(['before-run', 'after-run']), reason: z.string().optional() }),
});
export type Finding = z.infer<typeof findingSchema>;

/** A reference value to show beside ours (paper, or a named reference run). */
export const referenceValueSchema = z.object({
  source: z.string(),
  quantity: z.string(),
  value: z.string(),
});

export const resultArtifactSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  experiment: z.string(),
  title: z.string(),
  /** Short statement of the question the experiment asks. */
  question: z.string(),
  provenance: provenanceSchema,
  masks: z.array(maskInfoSchema),
  layers: z.array(layerInfoSchema),
  tables: z.object({
    pretrain: z.array(pretrainRowSchema),
    accuracy: z.array(accuracyRowSchema),
    weightsKept: z.array(weightsKeptRowSchema),
    overlap: z.array(overlapRowSchema),
    confusion: z.array(confusionRowSchema).optional(),
    tokenRemoval: z.array(tokenRemovalRowSchema).optional(),
    /** Training curves of the mask stages (absent in artifacts written before they were recorded). */
    curve: z.array(curveRowSchema).optional(),
    histogram: z.array(histogramRowSchema),
  }),
  images: z.array(maskImageSchema),
  maskFile: z.object({ file: z.string(), entries: z.array(maskFileEntrySchema) }),
  /**
   * sha256 of the artifact's computed content and of every file beside it:
   * `tables` and `provenance` (canonical JSON), `masks.bin`, `images/*.png`.
   * Verify and the site build refuse an artifact whose content does not match.
   */
  manifest: z.record(sha256Hex),
  findings: z.array(findingSchema),
  references: z.array(referenceValueSchema),
  /** Honest notes on what differs from the paper (scale, data, known bugs). */
  notes: z.array(z.string()),
  /**
   * The paper profile's training work over this run's, and that config in a
   * few words (analysis/work-estimate.ts): the page multiplies this run's
   * measured seconds by it to estimate the run that would decide what this one
   * cannot. Absent where the experiment states no work or this is that run.
   */
  paperRun: z.object({ what: z.string(), workRatio: z.number().positive() }).optional(),
});
export type ResultArtifact = z.infer<typeof resultArtifactSchema>;
export type AccuracyRow = z.infer<typeof accuracyRowSchema>;
export type WeightsKeptRow = z.infer<typeof weightsKeptRowSchema>;
export type OverlapRow = z.infer<typeof overlapRowSchema>;
export type ConfusionRow = z.infer<typeof confusionRowSchema>;
export type TokenRemovalRow = z.infer<typeof tokenRemovalRowSchema>;
export type CurveRow = z.infer<typeof curveRowSchema>;
export type HistogramRow = z.infer<typeof histogramRowSchema>;
export type PretrainRow = z.infer<typeof pretrainRowSchema>;
export type MaskImage = z.infer<typeof maskImageSchema>;
export type MaskFileEntry = z.infer<typeof maskFileEntrySchema>;
export type MaskInfo = z.infer<typeof maskInfoSchema>;
export type LayerInfo = z.infer<typeof layerInfoSchema>;
