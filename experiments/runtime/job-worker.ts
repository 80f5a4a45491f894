// A worker process: initialises the tfjs backend once, then runs the jobs the
// main process sends it. tfjs-wasm uses one core in Node, so the runner keeps
// the machine busy with one such process per core.
//
// Progress goes out as JSON lines on stdout: writes to a pipe are synchronous
// on Linux, so they arrive while a job computes (IPC messages would wait for
// the job to yield). Completion and errors go over IPC.
import { writeSync } from 'node:fs';
import { initBackend, type BackendChoice } from './backend.ts';
import { UserError } from './errors.ts';
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
      const e = err as Error;
      // A UserError (e.g. a divergence, NonFiniteError) is reported as its one-line message, a bug with its stack.
      process.send!({ type: 'error', jobId: msg.job.id, message: e.message, stack: e.stack, userError: err instanceof UserError });
    }
  });
  process.send!({ type: 'ready', backend: active.info });
}

main().catch((err: Error) => {
  process.send?.({ type: 'fatal', message: err.message, stack: err.stack });
  process.exit(1);
});

export { PROGRESS_PREFIX };
