// Wall time per stage of a job, with the clock passed in. Every training stage
// runs through run(), so this is also where a divergence (NonFiniteError from
// a training loop) gets the stage's name in front of it.
import { NonFiniteError } from './errors.ts';

export interface StageTime {
  stage: string;
  seconds: number;
  steps: number;
}

export class StageTimer {
  readonly stages: StageTime[] = [];
  constructor(private readonly now: () => number) {}

  run<T>(stage: string, steps: number, fn: () => T): T {
    const start = this.now();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      throw err instanceof NonFiniteError ? err.within(stage) : err;
    }
    this.stages.push({ stage, seconds: this.now() - start, steps });
    return result;
  }

  /** A stage that ran earlier, in another job (runtime/stage-store.ts): its original time. */
  record(stage: string, seconds: number, steps: number): void {
    this.stages.push({ stage, seconds, steps });
  }
}
