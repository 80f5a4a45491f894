// The training-curve presets read the artifact's curve rows as the pages need
// them: the hidden-layer IoU averaged over the hidden layers, its chance level
// from the two masks' kept fractions at the same step, CIFAR-10's relative drop
// against the control at the same step; and the chart draws a panel per
// quantity (or nothing without curves).
import { describe, expect, it } from 'vitest';
import type { CurveRow } from '../../experiments/artifacts/schema.ts';
import { curveCaption, curveChart, createDocument } from '../../src/lib/charts/index.ts';
import { curvePreset } from '../../src/lib/curves.ts';

const layers = ['layer1', 'layer2', 'layer3', 'layer4'].map((id) => ({ id, label: id, shape: [2, 2], role: '' }));
const row = (mask: string, step: number, metric: CurveRow['metric'], subject: string, value: number, against?: string): CurveRow => ({
  seed: 1,
  variant: 'normal',
  mask,
  step,
  metric,
  subject,
  value,
  ...(against ? { against } : {}),
});

describe('curve presets', () => {
  it('add-mul: hidden IoU is the mean over the hidden layers, its chance level pa·pb / (pa + pb − pa·pb)', () => {
    const curve: CurveRow[] = [0, 100].flatMap((step) => [
      ...layers.map((l) => row('add', step, 'kept', l.id, 0.5)),
      ...layers.map((l) => row('mul', step, 'kept', l.id, 0.25)),
      row('mul', step, 'iou', 'layer1', 0.9, 'add'),
      row('mul', step, 'iou', 'layer2', 0.4, 'add'),
      row('mul', step, 'iou', 'layer3', 0.2, 'add'),
      row('mul', step, 'iou', 'layer4', 0.8, 'add'),
      row('add', step, 'accuracy', '+', 1),
      row('add', step, 'accuracy', '×', 0.1),
    ]);
    const preset = curvePreset('add-mul', { tables: { curve } as never, layers })!;
    const iou = preset.points.filter((p) => p.series === 'IoU');
    expect(iou.map((p) => [p.step, p.value])).toEqual([
      [0, 0.30000000000000004],
      [100, 0.30000000000000004],
    ]);
    const chance = preset.points.find((p) => p.series === 'IoU: chance level')!;
    expect(chance.value).toBeCloseTo((0.5 * 0.25) / (0.5 + 0.25 - 0.125), 12);
    expect(preset.points.filter((p) => p.series === '+ mask on ×').map((p) => p.value)).toEqual([0.1, 0.1]);
    expect(preset.paperSteps).toBe(20000);
    const html = curveChart({ experiment: 'add-mul', tables: { curve } as never, layers }, createDocument());
    expect(html.match(/class="chart-panel"/g)).toHaveLength(2);
    expect(html).toMatch(/the paper's stage:<\/tspan><tspan[^>]*>20,000 steps →/);
    expect(html).toContain('transform="translate(770,270)" y="0.71em">100<');
  });

  it("cifar10: the removed class's drop is read against the control at the same step", () => {
    const curve: CurveRow[] = [
      row('control', 0, 'accuracy', 'cat', 0.8),
      row('control', 50, 'accuracy', 'cat', 0.6),
      row('without-cat', 0, 'accuracy', 'cat', 0.8),
      row('without-cat', 50, 'accuracy', 'cat', 0.15),
    ];
    const preset = curvePreset('cifar10', { tables: { curve } as never, layers })!;
    expect(preset.points.filter((p) => p.series === 'cat').map((p) => [p.step, p.value])).toEqual([
      [0, 0],
      [50, 0.75],
    ]);
  });

  it("the caption says how often the stages were measured and how their length compares with the paper's, from the artifact", () => {
    const curve = (last: number): CurveRow[] => [0, last].flatMap((step) => [row('add', step, 'accuracy', '+', 1), row('mul', step, 'accuracy', '×', 1)]);
    const of = (last: number, points: number) =>
      curveCaption({ experiment: 'add-mul', tables: { curve: curve(last) } as never, layers, provenance: { config: { curve: { points } } } as never });
    expect(of(2000, 20)).toContain('measured 20 times per mask stage');
    expect(of(2000, 20)).toContain("the paper's stages are 20,000 steps, longer than ours (2,000): the red note");
    expect(of(20000, 40)).toContain('measured 40 times per mask stage');
    expect(of(20000, 40)).toContain("our stages are as long as the paper's (20,000 steps)");
    expect(of(25000, 40)).toContain("the dashed red rule marks the paper's 20,000-step stage");
  });

  it('draws nothing for an artifact without curves', () => {
    expect(curvePreset('add-mul', { tables: {} as never, layers })).toBeNull();
    expect(curveChart({ experiment: 'add-mul', tables: {} as never, layers }, createDocument())).toBe('');
  });
});
