// The site's reading of the CIFAR-10 class-removal artifact (src/lib/cifar10.ts):
// its conventions against the writer it restates (experiments/tasks/cifar10.ts),
// its numbers on small hand-made tables worked out by hand, and its per-seed
// metrics against the writer's own removalMetrics on the fixture.
import { describe, expect, it } from 'vitest';
import type { ConfusionRow, ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { CIFAR10_BINARY_VARIANT } from '../../experiments/data/images/cifar-binary.ts';
import { CIFAR_CLASSES } from '../../experiments/data/images/cifar10-data.ts';
import { ALL_IMAGES, cifar10 as writer, CONTROL as WRITER_CONTROL, removalMetrics, withoutClass } from '../../experiments/tasks/cifar10.ts';
import {
  ALL_CLASSES,
  classesOf,
  confusionDifferences,
  CONTROL,
  isReencodedCopy,
  isRemovedClassCell,
  removalSummaries,
  removedClassDestinations,
  removedClasses,
  removedClassOf,
  withoutClassId,
} from '../../src/lib/cifar10.ts';
import { signed } from '../../src/lib/format.ts';
import { loadFixture } from './fixture-artifacts.ts';

type Artifact = Pick<ResultArtifact, 'tables' | 'masks' | 'provenance'>;

/** Rows of one seed's matrix over classes a, b, c. */
function confusionRows(seed: number, mask: string, m: number[][], classes = ['a', 'b', 'c']): ConfusionRow[] {
  return m.flatMap((row, i) => row.map((fraction, j) => ({ seed, mask, trueOp: classes[i], predicted: classes[j], fraction })));
}

/** A three-class artifact with a control and the given removal masks. */
function handMade(masks: string[], confusion: ConfusionRow[]): Artifact {
  return {
    tables: { pretrain: [], accuracy: [], weightsKept: [], overlap: [], histogram: [], confusion },
    masks: [CONTROL, ...masks].map((id) => ({ id, label: id.replace('-', ' '), variant: 'normal', trainedOn: '' })),
    provenance: { seeds: [1, 2] } as ResultArtifact['provenance'],
  };
}

const control = [
  [0.8, 0.1, 0.1],
  [0.1, 0.8, 0.1],
  [0.0, 0.2, 0.8],
];
// Seed 1: a loses half its accuracy, to b; b loses 5% of its own. Seed 2: a loses a quarter, to c; c loses 2.5%.
const withoutA1 = [
  [0.4, 0.5, 0.1],
  [0.1, 0.76, 0.14],
  [0.0, 0.2, 0.8],
];
const withoutA2 = [
  [0.6, 0.1, 0.3],
  [0.1, 0.8, 0.1],
  [0.0, 0.22, 0.78],
];
const twoSeeds = handMade(
  ['without-a'],
  [
    ...confusionRows(1, CONTROL, control),
    ...confusionRows(1, 'without-a', withoutA1),
    ...confusionRows(2, CONTROL, control),
    ...confusionRows(2, 'without-a', withoutA2),
  ],
);

describe('CIFAR-10 conventions agree with the writer', () => {
  const config = writer.profiles.quick;

  it('mask ids: the control, then "without-<class>" per removed class, in the writer order', () => {
    expect(CONTROL).toBe(WRITER_CONTROL);
    CIFAR_CLASSES.forEach((name, c) => {
      expect(withoutClassId(name)).toBe(withoutClass(c));
      expect(removedClassOf(withoutClass(c))).toBe(name);
    });
    expect(removedClassOf(CONTROL)).toBeUndefined();
    const masks = writer.masks(config);
    expect(masks[0].id).toBe(CONTROL);
    expect(removedClasses({ masks })).toEqual(config.removed.map((c) => CIFAR_CLASSES[c]));
  });

  it("the overall accuracy rows' eval set, and the class order of the confusion table", () => {
    expect(ALL_CLASSES).toBe(ALL_IMAGES);
    const fixture = loadFixture('cifar10');
    expect(classesOf(fixture)).toEqual([...CIFAR_CLASSES]);
    // Without a confusion table the per-class accuracy rows give the same order.
    expect(classesOf({ tables: { ...fixture.tables, confusion: undefined } })).toEqual([...CIFAR_CLASSES]);
  });

  it("per seed, the relative drop, the ratio and the largest gainer equal the writer's removalMetrics on the fixture", () => {
    const fixture = loadFixture('cifar10');
    const summaries = removalSummaries(fixture);
    expect(summaries.map((s) => s.removed)).toEqual([...CIFAR_CLASSES]);
    for (const s of summaries) {
      const theirs = removalMetrics(fixture, CIFAR_CLASSES.indexOf(s.removed as never));
      s.seeds.forEach((mine, k) => {
        expect(mine.relDrop).toBeCloseTo(theirs.relDrop[k], 10);
        expect(mine.otherOverTarget).toBeCloseTo(theirs.otherOverTarget[k], 10);
        expect(mine.goesTo).toBe(CIFAR_CLASSES[theirs.goesTo[k]]);
      });
    }
  });
});

describe('removal summaries on hand-made tables', () => {
  const [a] = removalSummaries(twoSeeds);

  it('relative drop of the removed class: −100 · diff[c,c] / control[c,c], mean ± sample std over seeds', () => {
    expect(a.removed).toBe('a');
    expect(a.index).toBe(0);
    expect(a.seeds.map((s) => s.relDrop)).toEqual([expect.closeTo(50, 10), expect.closeTo(25, 10)]);
    expect(a.relDrop.mean).toBeCloseTo(37.5, 10);
    expect(a.relDrop.std).toBeCloseTo(Math.sqrt(2 * 12.5 ** 2), 10);
    expect(a.relDrop.undefinedSeeds).toEqual([]);
  });

  it("largest other / target: the worst other class's relative drop as % of the removed class's, naming that class", () => {
    // Seed 1: b drops 5% against a's 50%; seed 2: c drops 2.5% against 25%.
    expect(a.seeds.map((s) => s.otherOverTarget)).toEqual([expect.closeTo(10, 10), expect.closeTo(10, 10)]);
    expect(a.seeds.map((s) => s.worstOther)).toEqual(['b', 'c']);
    expect(a.otherOverTarget.mean).toBeCloseTo(10, 10);
    expect(a.otherOverTarget.std).toBeCloseTo(0, 10);
    expect(a.seeds.map((s) => s.goesTo)).toEqual(['b', 'c']);
  });

  it("a class the control never got right has no relative drop: left out and named, as the writer's finding does", () => {
    const neverRight = [
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.5, 0.5, 0.0],
    ];
    const artifact = handMade(
      ['without-c', 'without-b'],
      [
        ...[1, 2].flatMap((seed) => [
          ...confusionRows(seed, CONTROL, seed === 1 ? neverRight : control),
          ...confusionRows(seed, 'without-c', seed === 1 ? neverRight : withoutA2),
          // b does not drop in either seed: its ratio is undefined, its relative drop 0.
          ...confusionRows(seed, 'without-b', seed === 1 ? neverRight : control),
        ]),
      ],
    );
    const [c, b] = removalSummaries(artifact);
    expect(c.relDrop.undefinedSeeds).toEqual([1]);
    expect(c.relDrop.n).toBe(1);
    expect(c.relDrop.mean).toBeCloseTo(2.5, 10);
    expect(c.relDrop.std).toBeNaN();
    expect(b.relDrop.values).toEqual([0, 0].map((x) => expect.closeTo(x, 12)));
    expect(b.otherOverTarget.undefinedSeeds).toEqual([1, 2]);
    expect(b.otherOverTarget.n).toBe(0);
    expect(b.seeds.every((s) => s.worstOther === undefined)).toBe(true);
  });
});

describe('confusion differences and destinations on hand-made tables', () => {
  const [{ removed, cells }] = confusionDifferences(twoSeeds);
  const cell = (t: string, p: string) => cells.find((x) => x.trueClass === t && x.predicted === p)!;

  it("one cell per (true, predicted) pair in percentage points, mean ± std over seeds, with the control's value", () => {
    expect(removed).toBe('a');
    expect(cells).toHaveLength(9);
    expect(cell('a', 'a').values).toEqual([expect.closeTo(-40, 10), expect.closeTo(-20, 10)]);
    expect(cell('a', 'b').mean).toBeCloseTo(20, 10);
    expect(cell('a', 'b').std).toBeCloseTo(Math.sqrt(2 * 20 ** 2), 10);
    expect(cell('c', 'c').mean).toBeCloseTo(-1, 10);
    expect(cell('a', 'a').control).toBeCloseTo(80, 10);
    expect(cell('c', 'a').control).toBeCloseTo(0, 10);
  });

  it('destinations: the other classes ranked by their mean gain of the removed row, with the seeds each gained most', () => {
    const [a] = removedClassDestinations(twoSeeds);
    expect(a.removed).toBe('a');
    expect(a.seeds).toBe(2);
    expect(a.destinations.map((d) => [d.predicted, Number(d.mean.toFixed(6)), d.topInSeeds])).toEqual([
      ['b', 20, 1],
      ['c', 10, 1],
    ]);
  });

  it("the fixture's removed classes go to their partner (cat → dog, automobile → truck) in every seed", () => {
    const fixture = loadFixture('cifar10');
    const top = Object.fromEntries(removedClassDestinations(fixture).map((d) => [d.removed, d.destinations[0]]));
    expect(top.cat.predicted).toBe('dog');
    expect(top.cat.topInSeeds).toBe(fixture.provenance.seeds.length);
    expect(top.automobile.predicted).toBe('truck');
  });
});

describe('small helpers', () => {
  it('signed changes carry a real minus, and none when they round to zero', () => {
    expect([signed(2.46), signed(-0.44), signed(0.04), signed(-0.04), signed(-12.6, 0)]).toEqual(['+2.5', '−0.4', '0.0', '0.0', '−13']);
  });

  it('the emphasised accuracy cell is a removal mask on its own class', () => {
    expect(isRemovedClassCell('without-cat', 'cat')).toBe(true);
    expect(isRemovedClassCell('without-cat', 'dog')).toBe(false);
    expect(isRemovedClassCell(CONTROL, 'cat')).toBe(false);
    expect(isRemovedClassCell('without-cat', ALL_CLASSES)).toBe(false);
  });

  it('a JPEG re-encoding is called a re-encoded copy; the official and lossless binary variants are not', () => {
    expect(isReencodedCopy('CIFAR-10 (JPEG q75 re-encoding), training images split 80/20 (seeded) into train and validation')).toBe(true);
    expect(isReencodedCopy(loadFixture('cifar10').provenance.dataVariant)).toBe(true);
    expect(isReencodedCopy(`${CIFAR10_BINARY_VARIANT}, training images split 80/20 (seeded) into train and validation`)).toBe(false);
    expect(isReencodedCopy('CIFAR-10 lossless subset (1,000 train / 200 test, official binary)')).toBe(false);
  });
});
