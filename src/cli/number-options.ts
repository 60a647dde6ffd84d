/**
 * Numeric flags, checked where they are read so a bad value names its flag (`--budget must be
 * ...`) instead of failing later inside the search with a parameter name the user never typed.
 */
import type { ParsedArgs } from './args';
import { CliError } from './cli-error';

function raw(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new CliError('bad-args', `--${name} needs a value.`);
  return v;
}

export function intOption(args: ParsedArgs, name: string, fallback: number, min?: number): number;
export function intOption(args: ParsedArgs, name: string, fallback: undefined, min?: number): number | undefined;
export function intOption(args: ParsedArgs, name: string, fallback: number | undefined, min = 0): number | undefined {
  const v = raw(args, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new CliError('bad-args', `--${name} must be a whole number >= ${min}, not "${v}".`);
  return Number(v);
}

/** A probability in [0, 1]. */
export function rateOption(args: ParsedArgs, name: string): number | undefined {
  const v = raw(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1))
    throw new CliError('bad-args', `--${name} must be a number between 0 and 1, not "${v}".`);
  return n;
}

/** A positive number of full evaluations, or `inf` for no limit. */
export function budgetOption(args: ParsedArgs, name: string): number | undefined {
  const v = raw(args, name);
  if (v === undefined) return undefined;
  if (/^(inf|infinity|none)$/i.test(v)) return Infinity;
  const n = Number(v);
  if (v.trim() === '' || !(n > 0) || !Number.isFinite(n))
    throw new CliError('bad-args', `--${name} must be a positive number of full evaluations (or inf), not "${v}".`);
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T;
export function choiceOption<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
  fallback: undefined,
): T | undefined;
export function choiceOption<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
  fallback: T | undefined,
): T | undefined {
  const v = raw(args, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v))
    throw new CliError('bad-args', `--${name} must be one of ${choices.join(', ')}, not "${v}".`);
  return v as T;
}

/** `--pool a.txt,b.txt` plus any further file arguments after the model (`--pool a.txt b.txt`). */
export function fileListOption(args: ParsedArgs, name: string): string[] {
  const v = raw(args, name);
  const extra = args.positionals.slice(1);
  if (v === undefined) {
    if (extra.length > 0)
      throw new CliError(
        'bad-args',
        `Unexpected argument "${extra[0]}": give one model; text files go after --${name}.`,
      );
    return [];
  }
  return [...v.split(',').filter(Boolean), ...extra];
}
