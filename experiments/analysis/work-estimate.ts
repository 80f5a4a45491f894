// How long the paper profile would take, from what a run measured: the run's
// training seconds times the paper profile's work over the run's (the artifact's
// `paperRun`, from the experiment's `work`: examples × steps × the network's
// FLOPs per example, or its weights where the data is the same). Larger layers
// run nearer the machine's matMul peak, so the estimate errs long. The artifact
// keeps only the ratio (derived, deterministic); the page multiplies it by the
// seconds in the provenance.

export interface WorkEstimate {
  /** Paper-profile work over this run's. */
  ratio: number;
  /** Estimated single-core seconds of the paper profile on this machine. */
  coreSeconds: number;
}

export function estimatePaperRun(runSeconds: number, workRatio: number): WorkEstimate | null {
  if (!(runSeconds > 0 && workRatio > 0)) return null;
  return { ratio: workRatio, coreSeconds: runSeconds * workRatio };
}

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(0) : x.toFixed(1));

/** The sentence a page shows: the run that would decide what this one cannot, and its estimated time here. */
export function paperRunNote(e: WorkEstimate, o: { profile: string; paper: string; cpus: number }): string {
  const hours = e.coreSeconds / 3600;
  const days = hours / o.cpus / 24;
  return (
    `The run that decides what this one cannot is the paper profile (${o.paper}): ${fmt(e.ratio)}× this ${o.profile} run's training work, ` +
    `about ${fmt(hours)} core-hours on this CPU at the rate this run measured (${fmt(days)} days on its ${o.cpus} cores; an estimate that errs long, ` +
    "as larger layers run nearer the machine's peak). It is meant for a GPU; no GPU time is measured yet (the GPU route has not run)."
  );
}

/** The estimate of an artifact: its paperRun ratio times the seconds its stages took; null where it has none. */
export function paperRunSentence(a: {
  paperRun?: { what: string; workRatio: number };
  provenance: { profile: string; machine: { cpus: number }; wallSeconds: { stages: { seconds: number }[] } };
}): string | null {
  if (!a.paperRun) return null;
  const seconds = a.provenance.wallSeconds.stages.reduce((s, x) => s + x.seconds, 0);
  const e = estimatePaperRun(seconds, a.paperRun.workRatio);
  return e ? paperRunNote(e, { profile: a.provenance.profile, paper: a.paperRun.what, cpus: a.provenance.machine.cpus }) : null;
}
