// The training curves each page draws: per experiment, the quantities behind
// its headline claims against mask-training steps, as long rows for the curve
// chart. Each row is one seed's value at one step; the chart averages seeds.
import type { CurveRow, ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { mean } from '../../experiments/analysis/stats.ts';
import { CIFAR_WITHOUT, CONTROL_MASK, COPY_WEIGHT_VARIANT, INVERTED_PREFIX } from '../../experiments/tasks/names.ts';

export interface CurvePoint {
  panel: string;
  series: string;
  seed: number;
  step: number;
  value: number;
  /** Which mask a point is of, where one series averages several masks (CIFAR-10's removal masks). */
  member?: string;
}

export interface CurvePreset {
  points: CurvePoint[];
  /** The paper's stage length for these masks (docs/method.md: the experiment's mask steps). */
  paperSteps: number;
}

type Artifact = Pick<ResultArtifact, 'tables' | 'layers'>;

/** Index of the curve rows: value of (variant, mask, metric, subject, against) at (seed, step). */
class Curves {
  private readonly at = new Map<string, number>();
  readonly seeds: number[];
  readonly steps = new Map<string, number[]>();
  constructor(rows: readonly CurveRow[]) {
    for (const r of rows) {
      this.at.set(Curves.key(r.variant, r.mask, r.metric, r.subject, r.against, r.seed, r.step), r.value);
      const s = `${r.variant}\0${r.mask}`;
      const list = this.steps.get(s) ?? [];
      if (!list.includes(r.step)) list.push(r.step);
      this.steps.set(s, list);
    }
    this.seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  }
  static key(...parts: unknown[]): string {
    return parts.map(String).join('\0');
  }
  get(variant: string, mask: string, metric: CurveRow['metric'], subject: string, against: string | undefined, seed: number, step: number): number | undefined {
    return this.at.get(Curves.key(variant, mask, metric, subject, against, seed, step));
  }
  stepsOf(variant: string, mask: string): number[] {
    return this.steps.get(`${variant}\0${mask}`) ?? [];
  }
}

/** One series: f(seed, step) over the steps of (variant, mask); undefined values are left out. */
function series(c: Curves, panel: string, name: string, variant: string, mask: string, f: (seed: number, step: number) => number | undefined): CurvePoint[] {
  return c.seeds.flatMap((seed) =>
    c.stepsOf(variant, mask).flatMap((step) => {
      const value = f(seed, step);
      return value === undefined || !Number.isFinite(value) ? [] : [{ panel, series: name, seed, step, value, member: mask }];
    }),
  );
}

const meanOf = (xs: (number | undefined)[]) => (xs.some((x) => x === undefined) ? undefined : mean(xs as number[]));

/** Chance IoU of two independent masks with the kept fractions of a and b at the same step. */
function chance(pa: number | undefined, pb: number | undefined): number | undefined {
  if (pa === undefined || pb === undefined) return undefined;
  const u = pa + pb - pa * pb;
  return u === 0 ? 0 : (pa * pb) / u;
}

/** Hidden-layer IoU of b against a (mean over the given layers), and its chance level. */
function iouSeries(c: Curves, panel: string, variant: string, a: string, b: string, layers: string[], name: string, withChance: boolean): CurvePoint[] {
  return [
    ...series(c, panel, name, variant, b, (seed, step) => meanOf(layers.map((l) => c.get(variant, b, 'iou', l, a, seed, step)))),
    ...(withChance
      ? series(c, panel, `${name}: chance level`, variant, b, (seed, step) =>
          meanOf(layers.map((l) => chance(c.get(variant, a, 'kept', l, undefined, seed, step), c.get(variant, b, 'kept', l, undefined, seed, step)))),
        )
      : []),
  ];
}

const acc = (c: Curves, variant: string, mask: string, set: string) => (seed: number, step: number) =>
  c.get(variant, mask, 'accuracy', set, undefined, seed, step);

function hiddenLayers(a: Artifact, prefix = 'layer'): string[] {
  const ids = a.layers.map((l) => l.id).filter((id) => id.startsWith(prefix));
  return ids.slice(1, -1);
}

const PRESETS: Record<string, (a: Artifact, c: Curves) => CurvePreset> = {
  'add-mul': (a, c) => {
    const hidden = hiddenLayers(a);
    const iou = 'Hidden-layer IoU, + vs ×';
    const accuracy = 'Accuracy under the mask of the step';
    return {
      paperSteps: 20000,
      points: [
        ...iouSeries(c, iou, 'normal', 'add', 'mul', hidden, 'IoU', true),
        ...series(c, accuracy, '+ mask on +', 'normal', 'add', acc(c, 'normal', 'add', '+')),
        ...series(c, accuracy, '+ mask on ×', 'normal', 'add', acc(c, 'normal', 'add', '×')),
        ...series(c, accuracy, '× mask on ×', 'normal', 'mul', acc(c, 'normal', 'mul', '×')),
        ...series(c, accuracy, '× mask on +', 'normal', 'mul', acc(c, 'normal', 'mul', '+')),
        ...series(c, accuracy, 'Full (control) on ×', 'normal', CONTROL_MASK, acc(c, 'normal', CONTROL_MASK, '×')),
      ],
    };
  },
  'double-add': (a, c) => {
    const hidden = hiddenLayers(a);
    const iou = 'Hidden-layer IoU, pair 1 vs pair 2';
    const inverted = "Accuracy with one pair's weights removed";
    return {
      paperSteps: 20000,
      points: [
        ...iouSeries(c, iou, 'normal', 'pair1', 'pair2', hidden, 'IoU', true),
        ...iouSeries(c, iou, COPY_WEIGHT_VARIANT, 'pair1', 'pair2', hidden, 'IoU, copy-weight control', false),
        ...series(c, inverted, '¬Pair 1 on pair 2', 'normal', 'pair1', acc(c, 'normal', 'pair1', `${INVERTED_PREFIX}Pair 2`)),
        ...series(c, inverted, '¬Pair 2 on pair 1', 'normal', 'pair2', acc(c, 'normal', 'pair2', `${INVERTED_PREFIX}Pair 1`)),
        ...series(c, inverted, '¬Pair 1 on pair 1', 'normal', 'pair1', acc(c, 'normal', 'pair1', `${INVERTED_PREFIX}Pair 1`)),
        ...series(c, inverted, 'Pair 1 mask on pair 1', 'normal', 'pair1', acc(c, 'normal', 'pair1', 'Pair 1')),
      ],
    };
  },
  scan: (_a, c) => {
    const test = "Test accuracy under the split's own mask";
    const iou = 'Output-layer IoU with the i.i.d. mask';
    const splits: [string, string, string][] = [
      ['jump', 'jump', 'Jump'],
      ['length', 'length', 'Length'],
      ['turn_left', 'turn_left', 'Turn left'],
    ];
    return {
      paperSteps: 25000,
      points: [
        ...series(c, test, 'i.i.d. mask on i.i.d.', 'normal', 'simple', acc(c, 'normal', 'simple', 'iid')),
        ...splits.flatMap(([mask, set, label]) => series(c, test, `${label} mask on ${label.toLowerCase()}`, 'normal', mask, acc(c, 'normal', mask, set))),
        ...splits.flatMap(([mask, , label]) => iouSeries(c, iou, 'normal', 'simple', mask, ['output'], label, false)),
      ],
    };
  },
  cifar10: (_a, c) => {
    const drop = 'Relative drop of the removed class (against the control at the same step)';
    const iou = 'IoU with the control mask, conv1–conv4 (mean over removal masks)';
    const classes = [...new Set([...c.steps.keys()].map((k) => k.split('\0')[1]).filter((m) => m.startsWith(CIFAR_WITHOUT)))];
    const relDrop = (mask: string) => (seed: number, step: number) => {
      const cls = mask.slice(CIFAR_WITHOUT.length);
      const control = c.get('normal', CONTROL_MASK, 'accuracy', cls, undefined, seed, step);
      const removed = c.get('normal', mask, 'accuracy', cls, undefined, seed, step);
      return control === undefined || removed === undefined || control === 0 ? undefined : (control - removed) / control;
    };
    const convs = ['conv1', 'conv2', 'conv3', 'conv4'];
    return {
      paperSteps: 20000,
      points: [
        ...classes.flatMap((mask) => series(c, drop, mask.slice(CIFAR_WITHOUT.length), 'normal', mask, relDrop(mask))),
        ...classes.flatMap((mask) => iouSeries(c, iou, 'normal', CONTROL_MASK, mask, convs, 'IoU', false)),
      ],
    };
  },
};

/** The curve rows of a page, or null when the artifact has no curves or the experiment no preset. */
export function curvePreset(experiment: string, artifact: Artifact): CurvePreset | null {
  const rows = artifact.tables.curve ?? [];
  const preset = PRESETS[experiment];
  if (rows.length === 0 || !preset) return null;
  return preset(artifact, new Curves(rows));
}
