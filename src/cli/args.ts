/**
 * A deliberately small argv parser: positionals, `--name value`, `--name=value` and boolean
 * switches, checked against what each command declares so a typo is an error, not a no-op.
 */
import { CliError } from './cli-error';

export type OptionKind = 'string' | 'boolean';

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean>>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionKind>>): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind)
      throw new CliError(
        'bad-args',
        `Unknown option --${name}. Known: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')}.`,
      );
    if (kind === 'boolean') {
      options[name] = eq < 0 ? true : arg.slice(eq + 1) !== 'false';
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new CliError('bad-args', `Option --${name} needs a value.`);
    }
    options[name] = value;
  }
  return { positionals, options };
}

/** `3,7` or `3 7` or `[3,7]` -> [3, 7]; an empty string is the empty list (prune nothing). */
export function parseIntList(text: string, what: string): number[] {
  const parts = text
    .replace(/[[\]]/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new CliError('bad-args', `${what} must be block numbers like 3,7; got "${text}".`);
    return Number(p);
  });
}
