// A worker process: initialises the tfjs backend once, then runs the jobs the
// main process sends it. tfjs-wasm uses one core in Node, so the runner keeps
// the machine busy with one such process per core.
//
// Progress goes out as JSON lines on stdout: writes to a pipe are synchronous
// on Linux, so they arrive while a job computes (IPC messages would wait for
// the job to yield). Completion and errors go over IPC.
import { writeSync } from 'node:fs';
import { initBackend, type BackendChoice } from './backend.ts';
import { asUserError } from './errors.ts';
import { executeJob } from './execute-job.ts';
import type { Job } from './jobs.ts';

const PROGRESS_PREFIX = '@@progress ';

async function main(): Promise<void> {
  const active = await initBackend((process.env.MODMASK_BACKEND ?? 'auto') as BackendChoice);
  const start = performance.now();
  const now = () => (performance.now() - start) / 1000;
  process.on('message', (msg: { type: 'job'; job: Job } | { type: 'exit' }) => {
    if (msg.type === 'exit') process.exit(0);
    try {
      executeJob(active, msg.job, (e) => writeSync(1, `${PROGRESS_PREFIX}${JSON.stringify(e)}\n`), now);
      process.send!({ type: 'done', jobId: msg.job.id });
    } catch (err) {
      process.send!({ type: 'error', jobId: msg.job.id, ...describe(err) });
    }
  });
  process.send!({ type: 'ready', backend: active.info });
}

/** What the main process needs to report an error: a user's (bad data, full disk) as one line, a bug with its stack. */
function describe(err: unknown): { message: string; stack?: string; user: boolean } {
  const user = asUserError(err);
  return user ? { message: user.message, user: true } : { message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack, user: false };
}

main().catch((err: unknown) => {
  process.send?.({ type: 'fatal', ...describe(err) });
  process.exit(1);
});

export { PROGRESS_PREFIX };
