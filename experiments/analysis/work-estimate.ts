// How long the paper profile would take, from what a run measured: the run's
// training seconds per unit of work, times the paper profile's work. A unit is
// one example through one step of forward and backward pass on one FLOP of the
// network (the experiment's `work`); the same data and architecture family on
// both sides, so sequence lengths and per-op overheads scale alike. Larger
// layers run nearer the machine's matMul peak, so the estimate errs long.

export interface WorkEstimate {
  /** Paper-profile work over this run's. */
  ratio: number;
  /** Estimated single-core seconds of the paper profile on this machine. */
  coreSeconds: number;
}

export function estimatePaperRun(run: { seconds: number; work: number }, paperWork: number): WorkEstimate | null {
  if (!(run.seconds > 0 && run.work > 0 && paperWork > 0)) return null;
  return { ratio: paperWork / run.work, coreSeconds: (run.seconds / run.work) * paperWork };
}

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(0) : x.toFixed(1));

/** The note a page shows: the run that would decide what this one cannot, and its estimated time here. */
export function paperRunNote(e: WorkEstimate, o: { profile: string; paper: string; cpus: number }): string {
  const hours = e.coreSeconds / 3600;
  const days = hours / o.cpus / 24;
  return `The run that decides what this one cannot is the paper profile (${o.paper}): ${fmt(e.ratio)}× this ${o.profile} run's training work, `
    + `about ${fmt(hours)} core-hours on this CPU at the rate this run measured (${fmt(days)} days on its ${o.cpus} cores; an estimate that errs long, `
    + 'as larger layers run nearer the machine\'s peak). It is meant for a GPU; no GPU time is measured yet (the GPU route has not run).';
}
