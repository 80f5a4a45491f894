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
  | { type: 'ready' }
  | { type: 'done'; jobId: string }
  | { type: 'error' | 'fatal'; jobId?: string; message: string; stack?: string; user?: boolean };

export class JobFailedError extends Error {
  constructor(readonly jobId: string, message: string, readonly workerStack?: string) {
    super(`job ${jobId} failed: ${message}`);
  }
}

/**
 * Runs all jobs, longest first; rejects on the first failure (other workers are
 * stopped): with a UserError carrying the job's one-line message when the job
 * threw one, else with a JobFailedError (and the worker's stack).
 */
export function runJobsInWorkers(jobs: Job[], workers: number, backend: string, cb: PoolCallbacks): Promise<void> {
  const queue = [...jobs].sort((a, b) => b.cost - a.cost);
  const children: ChildProcess[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const stopAll = () => children.forEach((c) => c.kill());
    const dispatch = (child: ChildProcess, current: { job: Job | null }) => {
      const job = queue.shift();
      if (!job) {
        current.job = null;
        child.send({ type: 'exit' });
        if (running === 0 && queue.length === 0) resolve();
        return;
      }
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
          cb.jobDone(current.job!);
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
