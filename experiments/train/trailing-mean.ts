// The mean of the last `window` values pushed: the "final loss" a training
// loop reports, less noisy than its last step.
export class TrailingMean {
  private readonly values: number[] = [];
  constructor(private readonly window = 100) {}

  push(x: number): void {
    this.values.push(x);
    if (this.values.length > this.window) this.values.shift();
  }

  /** The values in the window, oldest first (a checkpoint keeps them). */
  snapshot(): number[] {
    return [...this.values];
  }

  restore(values: number[]): void {
    this.values.splice(0, this.values.length, ...values.slice(-this.window));
  }

  get mean(): number {
    return this.values.length ? this.values.reduce((a, x) => a + x, 0) / this.values.length : NaN;
  }
}
