// The chart functions, each (artifact, document, options) -> HTML string.
export { accuracyChart } from './accuracy.ts';
export { weightsKeptChart } from './weights-kept.ts';
export { sharingChart } from './sharing.ts';
export { confusionChart } from './confusion.ts';
export { maskHistogram } from './histogram.ts';
export { scanSplitChart } from './scan-splits.ts';
export { tokenRemovalChart } from './token-removal.ts';
export { transferSharingChart } from './transfer-sharing.ts';
export { createDocument } from './render.ts';
export { relativeDropChart } from './relative-drop.ts';
export { confusionDifferenceChart } from './confusion-difference.ts';
export { widthSweepChart } from './width-sweep.ts';
export { curveCaption, curveChart } from './curves.ts';
