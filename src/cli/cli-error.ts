/** Failures of the command line itself (arguments, files); core errors keep their own codes. */
export type CliErrorCode = 'bad-args' | 'io' | 'unknown-command';

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
