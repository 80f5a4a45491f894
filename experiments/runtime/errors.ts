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
  constructor(readonly problem: string, readonly where: readonly string[] = []) {
    super(where.length ? `${where.join(' ')}: ${problem}` : problem);
    this.name = 'NonFiniteError';
  }

  /** The same error with `context` (a stage, or "experiment seed n") in front of what it already names. */
  within(context: string): NonFiniteError {
    return new NonFiniteError(this.problem, [context, ...this.where]);
  }
}
