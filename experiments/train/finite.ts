// Divergence checks for the training loops. They look only at numbers a step
// already holds on the host (the loss, read back for the host-side
// cross-entropy, and the gradients' sum of squares, read back for global-norm
// clipping), so they cost no extra device sync and change no computed value.
import { NonFiniteError } from '../runtime/errors.ts';

const WHY = 'training diverged; the job stops and nothing is cached';

/** Throws NonFiniteError when the loss of step `step` (of `total`) is NaN or ±Infinity. */
export function checkLoss(loss: number, step: number, total: number): void {
  if (!Number.isFinite(loss)) throw new NonFiniteError(`loss is ${loss} at step ${step} of ${total} (${WHY})`);
}

/**
 * Throws NonFiniteError when the gradients' sum of squares, which global-norm
 * clipping computes anyway, is NaN or ±Infinity: some gradient element is, or
 * the norm overflowed.
 */
export function checkGradientSumOfSquares(sumOfSquares: number, step: number, total: number): void {
  if (!Number.isFinite(sumOfSquares)) throw new NonFiniteError(`gradient norm is ${Math.sqrt(sumOfSquares)} at step ${step} of ${total} (${WHY})`);
}
