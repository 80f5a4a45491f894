// What every experiment provides to the runner. An experiment is one file in
// tasks/; the runner (runtime/) only schedules jobs, caches and writes.
//
//   profile config → runSeed (one job per seed and part, in a worker process)
//                  → assemble (tables from all seeds) → findings → artifact
import type {
  AccuracyRow,
  ConfusionRow,
  CurveRow,
  LayerInfo,
  MaskInfo,
  OverlapRow,
  PretrainRow,
  ProfileName,
  ResultArtifact,
  TokenRemovalRow,
  WeightsKeptRow,
} from '../artifacts/schema.ts';
import type { Kernels } from '../masking/kernels/index.ts';
import type { FindingDraft } from './finding-helpers.ts';
import type { StageContext } from '../runtime/stage-store.ts';
import type { DataPaths } from '../data/images/data-dir.ts';

export interface JobContext {
  kernels: Kernels;
  /** Reports progress of a stage (throttled by the receiver). */
  progress(stage: string, step: number, total: number): void;
  /** Seconds since some fixed point; injected so tests can control time. */
  now(): number;
  /** Where the job keeps finished stages and checkpoints (runtime/stage-store.ts); absent: every stage just runs. */
  stages?: StageContext;
  /** Where real datasets are read (MNIST, CIFAR-10); the experiments that read them need it. */
  data?: DataPaths;
}

export interface SeedMask {
  variant: string;
  mask: string;
  layer: string;
  shape: number[];
  /** Bit-packed (binary-mask.ts packBits). */
  packed: Uint8Array;
  kept: number;
}

/** Everything one seed produces. Tables are rows of the artifact's tidy tables. */
export interface SeedOutput {
  seed: number;
  pretrain: PretrainRow[];
  accuracy: AccuracyRow[];
  weightsKept: WeightsKeptRow[];
  overlap: OverlapRow[];
  confusion: ConfusionRow[];
  /** σ(logit) histogram counts per mask id, `bins` equal bins on [0, 1]. */
  histograms: { mask: string; counts: number[] }[];
  masks: SeedMask[];
  /** Per-output-token removal rows (SCAN); absent elsewhere. */
  tokenRemoval?: TokenRemovalRow[];
  /** Training-curve points of the mask stages (masking/curve-recorder.ts); absent where an experiment records none. */
  curve?: CurveRow[];
  stages: { stage: string; seconds: number; steps: number }[];
}

/** Which two masks a per-layer picture colours (a only, b only, both, neither). */
export interface MaskPicture {
  variant: string;
  a: string;
  b: string;
}

/**
 * An independent slice of one seed's work (e.g. SCAN's from-scratch baselines),
 * run as its own job so the worker pool can balance them; the runner merges the
 * parts' outputs of a seed by concatenating their rows.
 */
export interface JobPart {
  id: string;
  /** Rough cost in optimizer steps, to start the longest jobs first. */
  cost: number;
}

/** A stage of a job that can run as a job of its own. */
export interface StagePlan {
  /** The stage's name as the job's timer knows it ("pretrain", "jump", "copy-weight/pair1"). */
  stage: string;
  /** The stages that must be finished first. */
  after: string[];
  /** Rough cost in optimizer steps (as JobPart's). */
  cost: number;
}

/** What an experiment's findings read: the assembled artifact before findings and manifest. */
export type ArtifactWithoutFindings = Omit<ResultArtifact, 'findings' | 'manifest'>;

export interface Experiment<C extends { seeds: number[] }> {
  id: string;
  title: string;
  question: string;
  /** ci and quick always; long and paper where the experiment has settings for them. */
  profiles: ExperimentProfiles<C>;
  /** Name of the data actually used, for provenance and the page. */
  dataVariant(config: C, data: DataPaths): string;
  /** Bumped by hand when generated data changes in a way the code hash would not show. */
  dataVersion: string;
  masks(config: C): MaskInfo[];
  layers(config: C): LayerInfo[];
  pictures: MaskPicture[];
  /**
   * Rough cost of one seed's job in arithmetic-MLP optimizer steps, so the
   * runner starts the longest jobs first; absent: pre-training plus four mask
   * stages' steps (right for the MLPs). Unused when `parts` gives costs.
   */
  cost?(config: C): number;
  /**
   * The stages of one job (seed and part) that may run as jobs of their own,
   * in the order the job runs them, each with the stages it needs first
   * (runtime/stage-store.ts); the job then assembles the seed from them.
   * Absent, or an empty list: the job runs as one piece.
   */
  stages?(config: C, seed: number, part: string | null): StagePlan[];
  /** The parts of one seed's work (a seed may have fewer parts than another); absent: one job per seed, run with part null. */
  parts?(config: C, seed: number): JobPart[];
  runSeed(ctx: JobContext, config: C, seed: number, part: string | null): SeedOutput;
  /**
   * The training work of the whole config (every seed, every stage), in
   * examples × steps × the network's FLOPs per example (analysis/work-estimate.ts),
   * and the config in a few words; from it the page estimates the paper
   * profile's time here. Absent: no estimate.
   */
  work?(config: C): { units: number; what: string };
  /** The findings, from the assembled tables only (verify recomputes them the same way). */
  findings(artifact: ArtifactWithoutFindings, config: C): FindingDraft[];
  references: ResultArtifact['references'];
  notes(config: C): string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any>;

export type ExperimentProfiles<C> = Record<'ci' | 'quick', C> & Partial<Record<'long' | 'paper', C>>;

/** The experiment's config on a profile, or undefined when it has none for it (the long profile is built up experiment by experiment). */
export function configOn<C extends { seeds: number[] }>(e: Experiment<C>, profile: ProfileName): C | undefined {
  return e.profiles[profile];
}

/** The profiles an experiment has settings for, in profile order. */
export function profilesOf(e: AnyExperiment): ProfileName[] {
  return (['ci', 'quick', 'long', 'paper'] as const).filter((p) => e.profiles[p] !== undefined);
}

/** The stage plan of most jobs: pre-training ("pretrain"), then mask stages that each need it (and the stages they name). */
export function pretrainThenMasks(pretrainCost: number, masks: { stage: string; cost: number; after?: string[] }[]): StagePlan[] {
  return [
    { stage: 'pretrain', after: [], cost: pretrainCost },
    ...masks.map((m) => ({ stage: m.stage, after: ['pretrain', ...(m.after ?? [])], cost: m.cost })),
  ];
}
