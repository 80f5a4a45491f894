// Runs jobs on N worker processes (one per core by default). Each worker is a
// separate Node process with its own tfjs-wasm instance.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors.ts';
import type { Job } from './jobs.ts';
import type { ProgressEvent } from './progress.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./job-worker.ts', import.meta.url));
const PROGRESS_PREFIX = '@@progress ';

export interface PoolCallbacks {
  progress(e: ProgressEvent): void;
  log(line: string): void;
  jobStarted(job: Job): void;
  jobDone(job: Job): void;
}

type WorkerMessage =
  { type: 'ready' } | { type: 'done'; jobId: string } | { type: 'error' | 'fatal'; jobId?: string; message: string; stack?: string; user?: boolean };

export class JobFailedError extends Error {
  constructor(
    readonly jobId: string,
    message: string,
    readonly workerStack?: string,
  ) {
    super(`job ${jobId} failed: ${message}`);
  }
}

/**
 * The order jobs are offered in: by the longest chain of work that waits on
 * each (its cost plus the longest chain of the jobs that need it), so that
 * pre-training, which every stage of its seed waits for, starts first.
 */
export function jobPriorities(jobs: Job[]): Map<string, number> {
  const dependents = new Map<string, Job[]>();
  for (const j of jobs) for (const a of j.after ?? []) dependents.set(a, [...(dependents.get(a) ?? []), j]);
  const memo = new Map<string, number>();
  const chain = (j: Job, depth = 0): number => {
    if (depth > jobs.length) throw new Error(`jobs wait on each other in a cycle (at ${j.id})`);
    if (!memo.has(j.id)) memo.set(j.id, j.cost + Math.max(0, ...(dependents.get(j.id) ?? []).map((d) => chain(d, depth + 1))));
    return memo.get(j.id)!;
  };
  return new Map(jobs.map((j) => [j.id, chain(j)]));
}

/** Jobs in priority order (ties: as given); every job's `after` must name jobs of the list. */
export function orderJobs(jobs: Job[]): Job[] {
  const ids = new Set(jobs.map((j) => j.id));
  for (const j of jobs) {
    const unknown = (j.after ?? []).find((a) => !ids.has(a));
    if (unknown) throw new Error(`job ${j.id} waits on ${unknown}, which is not a job of this run`);
  }
  const priority = jobPriorities(jobs);
  return [...jobs].sort((a, b) => priority.get(b.id)! - priority.get(a.id)!);
}

/** The jobs in an order that a single process can run them in: each after the jobs it waits on, else by priority. */
export function sequentialOrder(jobs: Job[]): Job[] {
  const queue = orderJobs(jobs);
  const done = new Set<string>();
  const out: Job[] = [];
  while (queue.length) {
    const k = queue.findIndex((j) => (j.after ?? []).every((a) => done.has(a)));
    if (k < 0) throw new Error(`jobs wait on each other in a cycle (${queue.map((j) => j.id).join(', ')})`);
    const [job] = queue.splice(k, 1);
    done.add(job.id);
    out.push(job);
  }
  return out;
}

/**
 * Runs all jobs, by priority (jobPriorities), each once the jobs it waits on
 * are done; rejects on the first failure (other workers are stopped): with a
 * UserError carrying the job's one-line message when the job threw one, else
 * with a JobFailedError (and the worker's stack).
 */
export function runJobsInWorkers(jobs: Job[], workers: number, backend: string, cb: PoolCallbacks): Promise<void> {
  const queue = orderJobs(jobs);
  sequentialOrder(jobs); // refuses a cycle before any worker starts
  const children: ChildProcess[] = [];
  const done = new Set<string>();
  /** Workers with nothing to do until a running job finishes. */
  const waiting: { child: ChildProcess; current: { job: Job | null } }[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const stopAll = () => children.forEach((c) => c.kill());
    const dispatch = (child: ChildProcess, current: { job: Job | null }) => {
      const k = queue.findIndex((j) => (j.after ?? []).every((a) => done.has(a)));
      if (k < 0) {
        current.job = null;
        if (queue.length > 0) {
          waiting.push({ child, current });
          return;
        }
        child.send({ type: 'exit' });
        if (running === 0) {
          for (const w of waiting.splice(0)) w.child.send({ type: 'exit' });
          resolve();
        }
        return;
      }
      const [job] = queue.splice(k, 1);
      current.job = job;
      running++;
      cb.jobStarted(job);
      child.send({ type: 'job', job });
    };
    const count = Math.max(1, Math.min(workers, queue.length));
    for (let i = 0; i < count; i++) {
      const child = fork(WORKER_SCRIPT, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        env: { ...process.env, MODMASK_BACKEND: backend },
      });
      children.push(child);
      const current: { job: Job | null } = { job: null };
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith(PROGRESS_PREFIX)) cb.progress(JSON.parse(line.slice(PROGRESS_PREFIX.length)) as ProgressEvent);
        else if (line.trim()) cb.log(line);
      });
      child.on('message', (msg: WorkerMessage) => {
        if (failed) return;
        if (msg.type === 'ready') return dispatch(child, current);
        if (msg.type === 'done') {
          running--;
          done.add(current.job!.id);
          cb.jobDone(current.job!);
          // Jobs that waited on this one may be ready: offer them to the idle workers first.
          for (const w of waiting.splice(0)) dispatch(w.child, w.current);
          return dispatch(child, current);
        }
        failed = true;
        stopAll();
        // A user's error (bad data, a full disk, a backend that is not there) stays one line.
        const jobId = msg.jobId ?? current.job?.id;
        if (msg.user) reject(new UserError(jobId && msg.type === 'error' ? `job ${jobId}: ${msg.message}` : msg.message));
        else reject(new JobFailedError(jobId ?? 'worker start', msg.message, msg.stack));
      });
      child.on('exit', (code) => {
        if (!failed && current.job) {
          failed = true;
          stopAll();
          reject(new JobFailedError(current.job.id, `worker exited with code ${code}`));
        }
      });
    }
  });
}
