/**
 * `evop <command> ... [--json]`. With --json, stdout carries exactly one JSON object: the result,
 * or `{ "error": { code, message } }` with a non-zero exit, so scripts and tests can parse it.
 */
import { isOnnxError } from '../core/onnx/errors';
import { SearchError } from '../core/search/result';
import { parseArgs } from './args';
import { CliError } from './cli-error';
import type { Command } from './command';
import { bench } from './commands/bench';
import { calib } from './commands/calib';
import { evaluate } from './commands/eval';
import { inspect } from './commands/inspect';
import { prune } from './commands/prune';
import { search } from './commands/search';

/** Later commands (eval, calib, search, bench) slot in here, one module each under commands/. */
export const COMMANDS: Readonly<Record<string, Command>> = { inspect, prune, eval: evaluate, bench, calib, search };

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return ['Usage: evop <command> [options]', '', ...lines].join('\n');
}

function errorOf(e: unknown): { code: string; message: string } {
  if (isOnnxError(e) || e instanceof CliError || e instanceof SearchError) return { code: e.code, message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  try {
    const command = COMMANDS[name];
    if (!command)
      throw new CliError(
        'unknown-command',
        `Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}.`,
      );
    const result = await command.run(parseArgs(rest, command.options));
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${command.format(result)}\n`);
    return 0;
  } catch (e) {
    const error = errorOf(e);
    if (json) process.stdout.write(`${JSON.stringify({ error })}\n`);
    else process.stderr.write(`evop ${name}: ${error.message}\n`);
    if (error.code === 'internal' && !json && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return error.code === 'bad-args' || error.code === 'unknown-command' ? 2 : 1;
  }
}

// Run only when executed, not when a test imports COMMANDS.
if (process.argv[1] && /[/\\]cli[/\\]main\.[cm]?[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
