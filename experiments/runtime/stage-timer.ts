// Wall time per stage of a job, with the clock passed in.
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
    const result = fn();
    this.stages.push({ stage, seconds: this.now() - start, steps });
    return result;
  }
}
