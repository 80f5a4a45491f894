// Live progress of the running jobs: stage, step, steps/s and ETA per job, and
// an overall ETA. On a terminal the status line is redrawn in place; in logs
// (CI) a line is printed every `logEverySeconds`.

export interface ProgressEvent {
  jobId: string;
  stage: string;
  step: number;
  total: number;
}

interface JobState {
  stage: string;
  step: number;
  total: number;
  stageStart: number;
  stepAtStageStart: number;
  /** Steps per second of the current stage. */
  rate: number;
}

export interface ProgressOptions {
  write: (text: string) => void;
  now: () => number;
  tty: boolean;
  logEverySeconds: number;
}

export class ProgressBoard {
  private readonly jobs = new Map<string, JobState>();
  private lastRender = -Infinity;
  private lastLength = 0;

  constructor(private readonly opts: ProgressOptions) {}

  update(e: ProgressEvent): void {
    const t = this.opts.now();
    let s = this.jobs.get(e.jobId);
    if (!s || s.stage !== e.stage) {
      s = { stage: e.stage, step: e.step, total: e.total, stageStart: t, stepAtStageStart: e.step, rate: 0 };
      this.jobs.set(e.jobId, s);
    }
    s.step = e.step;
    s.total = e.total;
    const elapsed = t - s.stageStart;
    if (elapsed > 0.5) s.rate = (s.step - s.stepAtStageStart) / elapsed;
    const interval = this.opts.tty ? 1 : this.opts.logEverySeconds;
    if (t - this.lastRender >= interval) this.render(t);
  }

  finish(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /** Prints a message above the status line. */
  log(line: string): void {
    this.clear();
    this.opts.write(`${line}\n`);
  }

  clear(): void {
    if (this.opts.tty && this.lastLength > 0) {
      this.opts.write(`\r${' '.repeat(this.lastLength)}\r`);
      this.lastLength = 0;
    }
  }

  statusLine(): string {
    return [...this.jobs]
      .map(([id, s]) => {
        const eta = s.rate > 0 ? ` ETA ${formatSeconds((s.total - s.step) / s.rate)}` : '';
        return `${id} ${s.stage} ${s.step}/${s.total} ${s.rate.toFixed(1)} steps/s${eta}`;
      })
      .join(' | ');
  }

  private render(t: number): void {
    this.lastRender = t;
    const line = this.statusLine();
    if (!line) return;
    if (this.opts.tty) {
      const width = process.stdout.columns ?? 160;
      const shown = line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
      this.clear();
      this.opts.write(shown);
      this.lastLength = shown.length;
    } else {
      this.opts.write(`  … ${line}\n`);
    }
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  const m = Math.round(t / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
