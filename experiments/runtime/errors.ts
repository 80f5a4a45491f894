// Errors a user caused (bad flag, unknown experiment, malformed config or
// artifact). The CLIs print their message as one line and exit non-zero; any
// other error is a bug and gets a stack trace.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
