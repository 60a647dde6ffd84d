/**
 * Calibration windows from the command line, shared by `eval`, `search`, `calib` and `bench`:
 * `--calib <text file>` (tokenized with the model's tokenizer.json) or `--calib-ids <ids.json>`,
 * cut or checked to `--samples` windows of `--seq-len` tokens. How the windows are chosen from
 * the candidates is a pluggable `--calib-method` so CCDS can slot in without touching callers.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  cutWindows,
  IdsJsonError,
  parseIdsJson,
  parseUserText,
  toCorpusDocuments,
  UserTextError,
  type CandidateWindow,
} from '../core/calib';
import { createRng } from '../core/random/rng';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../core/tokenize/tokenizer';
import type { OptionKind, ParsedArgs } from './args';
import { CliError } from './cli-error';
import { readJsonFile } from './model-files';

/** The demo defaults of the evaluation issue: 32 windows of 256 tokens. */
export const DEFAULT_SAMPLES = 32;
export const DEFAULT_SEQ_LEN = 256;

/** Spread into a command's `options` so every command spells the calibration flags the same way. */
export const CALIBRATION_OPTIONS: Readonly<Record<string, OptionKind>> = {
  calib: 'string',
  'calib-ids': 'string',
  samples: 'string',
  'seq-len': 'string',
  'calib-method': 'string',
  seed: 'string',
};

export interface Calibration {
  readonly windows: number[][];
  /** Human-readable origin, e.g. `ids.json (2 x 32)` or `notes.txt: first 32 of 40 windows of 256`. */
  readonly source: string;
  /** Present when text was tokenized (callers reuse it instead of loading it again). */
  readonly tokenizer?: TextTokenizer;
}

/** What a window-selection method gets: all candidate windows cut from the text, and the ask. */
export interface CalibSelectContext {
  readonly candidates: readonly CandidateWindow[];
  readonly samples: number;
  readonly seqLen: number;
  readonly seed: number;
  /** Folder of the model, for methods that need the model itself (CCDS embeds with its hidden states). */
  readonly modelDir: string;
  readonly tokenizer: TextTokenizer;
}

/** Returns indices into `candidates`, exactly `samples` of them. */
export type CalibSelector = (ctx: CalibSelectContext) => Promise<readonly number[]> | readonly number[];

const selectors = new Map<string, CalibSelector>([
  // Consecutive windows from the start: deterministic and what "cut the text into n windows" means.
  ['first', ({ samples }) => Array.from({ length: samples }, (_, i) => i)],
  [
    'random',
    ({ candidates, samples, seed }) =>
      createRng(seed).sample(
        candidates.map((_, i) => i),
        samples,
      ),
  ],
]);

/** The hook for other methods (CCDS): registered by the module that implements them. */
export function registerCalibMethod(name: string, select: CalibSelector): void {
  selectors.set(name, select);
}

export function calibMethods(): string[] {
  return [...selectors.keys()];
}

function positiveInt(value: string | boolean | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min)
    throw new CliError('bad-args', `--${name} must be an integer >= ${min}, not "${String(value)}".`);
  return n;
}

/** The folder holding the model: the argument itself when it is a folder. */
export function modelFolder(modelPath: string): string {
  return existsSync(modelPath) && statSync(modelPath).isDirectory() ? modelPath : dirname(modelPath);
}

/** tokenizer.json (and tokenizer_config.json when present) from the model's folder. */
export function loadModelTokenizer(modelPath: string): TextTokenizer {
  const dir = modelFolder(modelPath);
  const file = join(dir, 'tokenizer.json');
  if (!existsSync(file)) {
    throw new CliError(
      'io',
      `No tokenizer.json next to the model (looked in ${dir}). Put the model's tokenizer.json there, or pass pre-tokenized windows with --calib-ids <ids.json>.`,
    );
  }
  const configFile = join(dir, 'tokenizer_config.json');
  try {
    const config: unknown = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {};
    return loadTokenizer(JSON.parse(readFileSync(file, 'utf8')), config);
  } catch (e) {
    if (e instanceof TokenizerError) throw new CliError('io', `${file}: ${e.message}`);
    throw new CliError('io', `${file} could not be read (${e instanceof Error ? e.message : String(e)}).`);
  }
}

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new CliError('io', `No such file: ${path} (${what}).`);
  return readFileSync(path, 'utf8');
}

/**
 * Builds the calibration windows the arguments ask for. `modelDir` is the model's folder (or the
 * .onnx path); `vocabSize`, when known, rejects ids the model cannot embed.
 */
export async function buildCalibration(args: ParsedArgs, modelDir: string, vocabSize?: number): Promise<Calibration> {
  const calib = typeof args.options.calib === 'string' ? args.options.calib : undefined;
  const calibIds = typeof args.options['calib-ids'] === 'string' ? args.options['calib-ids'] : undefined;
  if ((calib === undefined) === (calibIds === undefined)) {
    throw new CliError(
      'bad-args',
      calib !== undefined
        ? 'Give either --calib <text file> or --calib-ids <ids.json>, not both.'
        : "Give calibration data: --calib <text file> (tokenized with the model's tokenizer.json) or --calib-ids <ids.json> (a JSON array of equal-length arrays of token ids).",
    );
  }
  const samplesGiven = args.options.samples !== undefined;
  const seqGiven = args.options['seq-len'] !== undefined;
  const samples = positiveInt(args.options.samples, 'samples', DEFAULT_SAMPLES);
  const seqLen = positiveInt(args.options['seq-len'], 'seq-len', DEFAULT_SEQ_LEN, 2);

  if (calibIds !== undefined) {
    let rows: number[][];
    try {
      rows = parseIdsJson(readText(calibIds, 'the --calib-ids file'), {
        ...(seqGiven ? { seqLen } : {}),
        ...(vocabSize !== undefined ? { vocabSize } : {}),
      });
    } catch (e) {
      if (e instanceof IdsJsonError) throw new CliError('bad-args', `${calibIds}: ${e.message}`);
      throw e;
    }
    if (rows[0]!.length < 2)
      throw new CliError('bad-args', `${calibIds}: rows need at least 2 token ids (one predicted token).`);
    // ids.json is the set itself: --samples only trims it, never pads it.
    if (samplesGiven && samples > rows.length) {
      throw new CliError(
        'bad-args',
        `${calibIds} has ${rows.length} rows but --samples ${samples} were asked for; add rows or lower --samples.`,
      );
    }
    const windows = samplesGiven ? rows.slice(0, samples) : rows;
    return { windows, source: `${basename(calibIds)} (${windows.length} x ${windows[0]!.length} ids)` };
  }

  if (calib === undefined) throw new Error('unreachable: one of --calib / --calib-ids is set');
  const method = typeof args.options['calib-method'] === 'string' ? args.options['calib-method'] : 'first';
  const select = selectors.get(method);
  if (!select)
    throw new CliError('bad-args', `--calib-method must be one of ${calibMethods().join(', ')}, not "${method}".`);
  const seed = positiveInt(args.options.seed, 'seed', 1, 0);
  const tokenizer = loadModelTokenizer(modelDir);
  let candidates: CandidateWindow[];
  try {
    if (!existsSync(calib)) throw new CliError('io', `No such file: ${calib} (the --calib file).`);
    const user = parseUserText(new Uint8Array(readFileSync(calib)), { fileName: basename(calib) });
    candidates = cutWindows(toCorpusDocuments(user, basename(calib)), tokenizer, { seqLen });
  } catch (e) {
    if (e instanceof UserTextError) throw new CliError('bad-args', e.message);
    throw e;
  }
  if (candidates.length < samples) {
    throw new CliError(
      'bad-args',
      `${calib} gives only ${candidates.length} window${candidates.length === 1 ? '' : 's'} of ${seqLen} tokens, and ${samples} were asked for. ` +
        `Add more text, or lower --samples (to ${Math.max(1, candidates.length)}) or --seq-len.`,
    );
  }
  const picks = await select({ candidates, samples, seqLen, seed, modelDir: modelFolder(modelDir), tokenizer });
  if (picks.length !== samples)
    throw new Error(`--calib-method ${method} chose ${picks.length} windows instead of ${samples}.`);
  const windows = picks.map((i) => candidates[i]!.ids);
  if (vocabSize !== undefined) {
    const bad = windows.flat().find((id) => id >= vocabSize);
    if (bad !== undefined)
      throw new CliError(
        'bad-args',
        `tokenizer.json produced id ${bad}, outside the model's vocabulary of ${vocabSize}: is it the model's own tokenizer?`,
      );
  }
  const how = method === 'first' ? 'first' : method;
  return {
    windows,
    source: `${basename(calib)}: ${how} ${samples} of ${candidates.length} windows of ${seqLen} tokens`,
    tokenizer,
  };
}

/** The vocabulary size config.json declares next to the model, to check token ids against. */
export function configVocabSize(modelPath: string): number | undefined {
  const file = join(modelFolder(modelPath), 'config.json');
  if (!existsSync(file)) return undefined;
  const v = readJsonFile(file, 'the model config').vocab_size;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
