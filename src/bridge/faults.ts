/** What can go wrong with the worker behind an evaluator, short of a bad request. */
export type FaultKind = 'crash' | 'hang' | 'device-lost';

export interface Fault {
  readonly kind: FaultKind;
  readonly message: string;
}

export class FaultError extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}
