// Errors a user caused (bad flag, unknown experiment, malformed config or
// artifact). The CLIs print their message as one line and exit non-zero; any
// other error is a bug and gets a stack trace.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A training run diverged: a loss or gradient norm became NaN or ±Infinity, or
 * a job's output holds such a number. One line, built up on the way out: the
 * training loop states the problem ("loss is NaN at step 12 of 500 (…)"), the
 * stage timer puts the stage in front, the job runner the experiment and seed:
 *   add-mul seed 2 pretrain: loss is NaN at step 12 of 500 (…)
 */
export class NonFiniteError extends UserError {
  constructor(
    readonly problem: string,
    readonly where: readonly string[] = [],
  ) {
    super(where.length ? `${where.join(' ')}: ${problem}` : problem);
    this.name = 'NonFiniteError';
  }

  /** The same error with `context` (a stage, or "experiment seed n") in front of what it already names. */
  within(context: string): NonFiniteError {
    return new NonFiniteError(this.problem, [context, ...this.where]);
  }
}

/** File-system failures that are the machine's state, not a bug: a full disk, a read-only or forbidden folder. */
const FS_USER_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, expected a file',
};

/**
 * The one-line UserError for an error a user can act on: a UserError itself,
 * or a file-system error of the kinds above (naming the path, when the error
 * or `path` gives one); null for anything else (a bug).
 */
export function asUserError(err: unknown, path?: string): UserError | null {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException | null;
  const what = e && typeof e.code === 'string' ? FS_USER_CODES[e.code] : undefined;
  if (!what) return null;
  const where = e!.path ?? path;
  return new UserError(`${where ? `${where}: ` : ''}${what} (${e!.code}${e!.syscall ? ` on ${e!.syscall}` : ''})`);
}

/** Adds `path` to a file-system error that lacks one (a failed write(2) names no file). */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e === 'object' && typeof e.code === 'string' && !e.path) e.path = path;
  return err;
}
