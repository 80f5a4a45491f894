// How the permuted-MNIST (transfer) artifact lays out its tables, read on the
// site side, and the numbers its charts and table draw.
//
// The writer (experiments/tasks/permuted-mnist.ts) names things by convention
// rather than in the schema: a variant is "new-init <x>", the mask-logit init
// of weights no earlier task used (the paper's three figures); tasks are masks
// "T1" … "Tn" in the order learned; an overlap row compares a task's mask (`a`)
// with the union of every earlier task's mask (`b` = "before T<k>"), so its
// `sharedOfA` is the paper's shared_ℓ(p) = |m_p ∧ U_p| / |m_p|; a task's own
// accuracy is the accuracy row whose column and eval set are both the task.
// The site does not import the writer (it pulls in TensorFlow.js), so the
// conventions are restated here once; test/site/permuted-mnist.test.ts checks
// them against the writer.
import type { OverlapRow, ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { layerLabel, layerOrder } from './artifact-lookup.ts';
import { groupSummary, orderOfAppearance, summarise, type Summary } from './stats.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'layers' | 'provenance'>;

/** The mask-logit init of new weights a variant name carries ("new-init -1" → −1), or undefined. */
export function newInitOf(variant: string): number | undefined {
  const m = /^new-init (-?\d+(?:\.\d+)?)$/.exec(variant);
  return m ? Number(m[1]) : undefined;
}

/** The task number of a task label ("T3" → 3), or undefined. */
export function taskNumber(task: string): number | undefined {
  const m = /^T(\d+)$/.exec(task);
  return m ? Number(m[1]) : undefined;
}

/** The `b` of an overlap row that compares task `task` with the union of the tasks before it. */
export const unionOfTasksBefore = (task: string) => `before ${task}`;

/** The tasks the paper's figure plots: T2, T4, T6, T8, T10 (docs/method.md §4). */
export function inPaperFigure(task: string): boolean {
  const n = taskNumber(task);
  return n !== undefined && n % 2 === 0 && n <= 10;
}

/** Mask-logit init of the weights earlier tasks used (the config's `usedInit`), when the artifact records it. */
export function usedInitOf(artifact: Pick<ResultArtifact, 'provenance'>): number | undefined {
  const v = artifact.provenance.config.usedInit;
  return typeof v === 'number' ? v : undefined;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** "−1" with a real minus sign, as in running text. */
const signed = (x: number) => (x < 0 ? `−${-x}` : String(x));

/**
 * Heading of a variant's panel: what the init means as a keep probability,
 * beside the old weights' init. "new-init 0: new weights' mask logits start at
 * 0 (keep probability 0.50), old weights' at 2 (0.88)".
 */
export function variantHeading(variant: string, usedInit: number | undefined): string {
  const init = newInitOf(variant);
  if (init === undefined) return variant;
  const own = `new weights' mask logits start at ${signed(init)} (keep probability ${sigmoid(init).toFixed(2)})`;
  const old = usedInit === undefined ? '' : `, old weights' at ${signed(usedInit)} (${sigmoid(usedInit).toFixed(2)})`;
  return `${variant}: ${own}${old}`;
}

export interface SharingBar extends Summary {
  variant: string;
  /** The new task (the overlap row's `a`). */
  task: string;
  layer: string;
  layerLabel: string;
  /** Whether the paper's figure plots this task. */
  paper: boolean;
  /** The rows behind the bar, one per seed. */
  rows: OverlapRow[];
  /**
   * Seeds whose mask keeps no weight of this layer: the writer stores their
   * shared fraction as 0, which is not a measurement (0 / 0). Read from the
   * weights-kept table; none are flagged where it lacks the task.
   */
  emptySeeds: number[];
  /**
   * Share of the layer's weights that earlier tasks used, |U_p| / N, over
   * seeds: what a mask placed at random, of any size, would share on average.
   * Undefined when the weights-kept rows of the task are missing.
   */
  used?: Summary;
}

export interface SharingOptions {
  /** Only these variants (default: all, in the writer's order). */
  variants?: string[];
  /**
   * Layer ids, in the artifact's order. Default: every layer but the first —
   * the paper's figure plots layers 2–4, since the first layer is fresh for
   * every task, so overlap there is position, not reuse.
   */
  layers?: string[];
}

/** The layers a sharing chart draws by default: all but the first (fresh for every task). */
export function defaultSharingLayers(artifact: Pick<ResultArtifact, 'layers' | 'tables'>): string[] {
  const rows = artifact.tables.overlap.filter((r) => r.b === unionOfTasksBefore(r.a));
  return layerOrder(artifact as ResultArtifact, rows).filter((id) => id !== artifact.layers[0]?.id);
}

/**
 * One bar per (variant, task, layer) from the overlap rows that compare a task
 * with the union of the earlier ones: the shared fraction of the task's mask,
 * mean ± sample std over seeds, with the share of the layer earlier tasks used
 * (from |U| = |m ∪ U| − |m| + |m ∧ U|, |m| from the weights-kept table).
 */
export function sharingBars(artifact: Artifact, options: SharingOptions = {}): SharingBar[] {
  const layers = options.layers ?? defaultSharingLayers(artifact);
  const rows = artifact.tables.overlap.filter(
    (r) => r.b === unionOfTasksBefore(r.a) && layers.includes(r.layer) && (!options.variants || options.variants.includes(r.variant)),
  );
  const kept = new Map(artifact.tables.weightsKept.map((r) => [`${r.seed}|${r.variant}|${r.mask}|${r.layer}`, r]));
  const layerRank = (id: string) => layers.indexOf(id);
  const variants = orderOfAppearance(rows, (r) => r.variant);
  const tasks = orderOfAppearance(rows, (r) => r.a);
  return groupSummary(rows, ['variant', 'a', 'layer'], (r) => r.sharedOfA)
    .sort(
      (x, y) => variants.indexOf(x.variant) - variants.indexOf(y.variant) || tasks.indexOf(x.a) - tasks.indexOf(y.a) || layerRank(x.layer) - layerRank(y.layer),
    )
    .map(({ variant, a, layer, ...summary }) => {
      const own = rows.filter((r) => r.variant === variant && r.a === a && r.layer === layer);
      const keptRows = own.map((r) => kept.get(`${r.seed}|${r.variant}|${r.a}|${r.layer}`));
      const used = keptRows.every((k) => k !== undefined)
        ? summarise(own.map((r, i) => (r.union - keptRows[i]!.kept + r.intersection) / keptRows[i]!.total))
        : undefined;
      const emptySeeds = own.filter((_, i) => keptRows[i]?.kept === 0).map((r) => r.seed);
      return {
        ...summary,
        variant,
        task: a,
        layer,
        layerLabel: layerLabel(artifact as ResultArtifact, layer),
        paper: inPaperFigure(a),
        rows: own,
        emptySeeds,
        ...(used ? { used } : {}),
      };
    });
}

export interface TaskAccuracyRow {
  variant: string;
  /** One per task, in the writer's order; undefined where the run lacks that task. */
  cells: Array<Summary | undefined>;
  /** The worst task's mean over seeds (what the writer's finding reads: one failed task must not hide in an average). */
  worstTask: number;
}

/**
 * Each task's validation accuracy under its own mask (the accuracy rows whose
 * column is their eval set), one row per variant, one column per task.
 */
export function taskAccuracyGrid(artifact: Pick<ResultArtifact, 'tables'>): { tasks: string[]; rows: TaskAccuracyRow[] } {
  const own = artifact.tables.accuracy.filter((r) => r.column === r.evalSet);
  const tasks = orderOfAppearance(own, (r) => r.column);
  const rows = orderOfAppearance(own, (r) => r.variant).map((variant) => {
    const summaries = groupSummary(
      own.filter((r) => r.variant === variant),
      ['column'],
      (r) => r.accuracy,
    );
    const cells = tasks.map((t) => summaries.find((s) => s.column === t));
    const means = cells.filter((c): c is NonNullable<typeof c> => c !== undefined).map((c) => c.mean);
    return { variant, cells, worstTask: Math.min(...means) };
  });
  return { tasks, rows };
}
