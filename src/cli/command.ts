/**
 * The shape every `evop` command has. main.ts dispatches on a table of these, so a new command
 * (eval, calib, search, bench) is one file in commands/ and one line in the table.
 */
import type { OptionKind, ParsedArgs } from './args';

export interface Command<R = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionKind>>;
  /** Does the work; returns the object printed with --json. */
  run(args: ParsedArgs): Promise<R>;
  /** Human-readable rendering of the result (without --json). */
  format(result: R): string;
}

/** Lets a table hold commands with different result types. */
export function defineCommand<R>(c: Command<R>): Command {
  return c as unknown as Command;
}
