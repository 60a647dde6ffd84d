/**
 * CCDS (or random) calibration for the command line: candidate windows from the built-in corpus
 * pools (public/corpus) or from given text files, embedded with the loaded model's own hidden
 * states, then selected by clustering or at random. Shared by `calib`, `search --calib-method`
 * and the measurement scripts, so all of them build a set the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ccdsSample,
  countByDomain,
  cutWindows,
  defaultEmbeddingBlock,
  parseCorpusFile,
  parseCorpusIndex,
  parseUserText,
  randomSample,
  toCorpusDocuments,
  UserTextError,
  type Allocation,
  type CalibrationSelection,
  type CandidateWindow,
  type CorpusDocument,
} from '../core/calib';
import type { TextTokenizer } from '../core/tokenize/tokenizer';
import { inspectModel } from '../core/onnx/inspect-model';
import { embedWindows } from '../runtime/hidden-states';
import { createSplitRunner, type SplitRunner } from '../runtime/split-runner';
import type { OptionKind, ParsedArgs } from './args';
import {
  buildCalibration,
  configVocabSize,
  DEFAULT_SAMPLES,
  DEFAULT_SEQ_LEN,
  loadModelTokenizer,
  registerCalibMethod,
} from './calibration';
import { CliError } from './cli-error';
import { readModelFiles } from './model-files';
import { choiceOption, fileListOption, intOption } from './number-options';

export type PoolMethod = 'ccds' | 'random';

/** public/corpus, found from this file so the CLI works from any working directory. */
export function builtInCorpusDir(): string {
  return fileURLToPath(new URL('../../public/corpus/', import.meta.url));
}

/** Every domain's pool (or held-out) excerpts, as listed in public/corpus/index.json. */
export function readBuiltInCorpus(part: 'pool' | 'heldout' = 'pool', dir = builtInCorpusDir()): CorpusDocument[] {
  const indexPath = join(dir, 'index.json');
  if (!existsSync(indexPath))
    throw new CliError(
      'io',
      `The built-in corpus is missing (${indexPath}); rebuild it with node scripts/build-corpus.mjs.`,
    );
  const index = parseCorpusIndex(JSON.parse(readFileSync(indexPath, 'utf8')));
  return index.domains.flatMap((d) => {
    const file = d[part].file;
    return parseCorpusFile(readFileSync(join(dir, file), 'utf8'), d.domain, file);
  });
}

/** Built-in corpus files keep their `### domain n: title` excerpts; anything else is user text. */
const CORPUS_FILE = /^(.+)\.(pool|heldout)\.txt$/;

/**
 * `--pool a.txt b.jsonl ...`: each file is one domain, named after the file (so per-domain
 * counts say which file a sample came from); built-in-format files keep their own domain name.
 */
export function readPoolFiles(paths: readonly string[]): CorpusDocument[] {
  return paths.flatMap((path) => {
    if (!existsSync(path)) throw new CliError('io', `No such file: ${path} (a --pool file).`);
    const name = basename(path);
    const corpus = CORPUS_FILE.exec(name);
    const bytes = new Uint8Array(readFileSync(path));
    if (corpus && new TextDecoder().decode(bytes.subarray(0, 4)) === '### ') {
      return parseCorpusFile(new TextDecoder().decode(bytes), corpus[1]!, name);
    }
    try {
      return toCorpusDocuments(parseUserText(bytes, { fileName: name }), name, name.replace(/\.[^.]+$/, ''));
    } catch (e) {
      if (e instanceof UserTextError) throw new CliError('bad-args', `${path}: ${e.message}`);
      throw e;
    }
  });
}

/** English BPE averages well under 6 characters per token (as in core/calib/built-in-set.ts). */
const CHARS_PER_TOKEN_BOUND = 6;

/**
 * Only the start of each document is tokenized when `perDocument` caps the windows it gives:
 * tokenizing all 1.2 MB of the pool to keep a few windows per excerpt costs more than the
 * embedding. The text is cut just before a whitespace, where a byte-level BPE pre-tokenizer
 * splits anyway, so the kept tokens are exactly the first tokens of the whole document.
 */
function trimDocument(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars + 1).search(/\s\S*$/);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, maxChars);
}

export interface CandidateOptions {
  readonly seqLen: number;
  /** Windows per document at most, spread evenly over it (default 4; 0 = all). */
  readonly perDocument?: number;
}

export const DEFAULT_PER_DOCUMENT = 4;

export function poolCandidates(
  docs: readonly CorpusDocument[],
  tokenizer: Pick<TextTokenizer, 'encode'>,
  options: CandidateOptions,
): CandidateWindow[] {
  const per = options.perDocument ?? DEFAULT_PER_DOCUMENT;
  if (per === 0) return cutWindows(docs, tokenizer, { seqLen: options.seqLen });
  const maxChars = options.seqLen * per * CHARS_PER_TOKEN_BOUND;
  const trimmed = docs.map((d) => ({ ...d, text: trimDocument(d.text, maxChars) }));
  return cutWindows(trimmed, tokenizer, { seqLen: options.seqLen, maxPerDocument: per });
}

export interface SelectOptions {
  readonly method: PoolMethod;
  readonly samples: number;
  readonly seed: number;
  /** k-means clusters (CCDS; default: as many as samples, one window each). */
  readonly clusters?: number;
  readonly allocation?: Allocation;
}

/** Picks the calibration windows; turns the core's RangeErrors into messages naming the flags. */
export function selectCalibration(
  candidates: readonly CandidateWindow[],
  embeddings: readonly Float32Array[] | undefined,
  options: SelectOptions,
): CalibrationSelection {
  const { samples, seed } = options;
  if (samples > candidates.length) {
    throw new CliError(
      'bad-args',
      `The pool gives ${candidates.length} candidate windows, fewer than --samples ${samples}: add text, raise --per-document, or lower --samples or --seq-len.`,
    );
  }
  if (options.method === 'random') return randomSample(candidates, { samples, seed }, embeddings);
  if (!embeddings) throw new Error("CCDS needs the candidates' embeddings.");
  const clusters = options.clusters ?? samples;
  if (clusters > candidates.length)
    throw new CliError('bad-args', `--clusters ${clusters} is more than the ${candidates.length} candidate windows.`);
  return ccdsSample(candidates, embeddings, {
    samples,
    seed,
    clusters,
    ...(options.allocation ? { allocation: options.allocation } : {}),
  });
}

export interface PoolCalibration {
  readonly windows: number[][];
  readonly selection: CalibrationSelection;
  readonly candidates: readonly CandidateWindow[];
  /** Block whose output was embedded (null for random: no embedding needed). */
  readonly block: number | null;
  readonly perDomain: Record<string, number>;
  readonly embedMs: number;
}

export interface PoolCalibrationOptions extends SelectOptions, CandidateOptions {
  /** Text files to cut candidates from; default the built-in pools. */
  readonly pool?: readonly string[];
  /** Block whose output is the embedding (default the middle one). */
  readonly block?: number;
}

export function domainCounts(samples: readonly { source: { domain: string } }[]): Record<string, number> {
  return Object.fromEntries(countByDomain(samples));
}

/** The whole pipeline: pool -> candidates -> (embeddings) -> selected windows. */
export async function buildPoolCalibration(
  runner: SplitRunner,
  tokenizer: Pick<TextTokenizer, 'encode'>,
  options: PoolCalibrationOptions,
): Promise<PoolCalibration> {
  const docs = options.pool && options.pool.length > 0 ? readPoolFiles(options.pool) : readBuiltInCorpus('pool');
  const candidates = poolCandidates(docs, tokenizer, options);
  const block = options.block ?? defaultEmbeddingBlock(runner.blocks);
  if (!(Number.isInteger(block) && block >= 0 && block < runner.blocks)) {
    throw new CliError('bad-args', `--block must be a block number in 0..${runner.blocks - 1}, not ${block}.`);
  }
  const t0 = performance.now();
  // Random sampling ignores the embeddings, so it skips the model pass entirely.
  const embeddings =
    options.method === 'ccds' && options.samples <= candidates.length
      ? await embedWindows(
          runner,
          candidates.map((c) => c.ids),
          block,
        )
      : undefined;
  const embedMs = performance.now() - t0;
  const selection = selectCalibration(candidates, embeddings, options);
  return {
    windows: selection.samples.map((s) => candidates[s.window]!.ids),
    selection,
    candidates,
    block: embeddings ? block : null,
    perDomain: domainCounts(selection.samples),
    embedMs,
  };
}

/** The flags of a set drawn from a pool, spread into `calib`'s and `search`'s options. */
export const POOL_OPTIONS: Readonly<Record<string, OptionKind>> = {
  pool: 'string',
  samples: 'string',
  'seq-len': 'string',
  clusters: 'string',
  block: 'string',
  'per-document': 'string',
  allocation: 'string',
  seed: 'string',
};

/** Reads the pool flags; `method` comes from `--method` (calib) or `--calib-method` (search). */
export function readPoolCalibrationArgs(args: ParsedArgs, method: PoolMethod): PoolCalibrationOptions {
  const pool = fileListOption(args, 'pool');
  const clusters = intOption(args, 'clusters', undefined, 1);
  const block = intOption(args, 'block', undefined, 0);
  const allocation = choiceOption(args, 'allocation', ['equal', 'proportional'] as const, undefined);
  return {
    method,
    samples: intOption(args, 'samples', DEFAULT_SAMPLES, 1),
    seqLen: intOption(args, 'seq-len', DEFAULT_SEQ_LEN, 2),
    seed: intOption(args, 'seed', 0, 0),
    perDocument: intOption(args, 'per-document', DEFAULT_PER_DOCUMENT, 0),
    ...(pool.length > 0 ? { pool } : {}),
    ...(clusters !== undefined ? { clusters } : {}),
    ...(block !== undefined ? { block } : {}),
    ...(allocation ? { allocation } : {}),
  };
}

/**
 * `--calib <file> --calib-method ccds` goes through the shared calibration builder, whose
 * selector hook knows only the model's folder: it opens its own runner for the embedding pass.
 * Registered on import, so any command that imports this module offers `ccds`.
 */
registerCalibMethod('ccds', async (ctx) => {
  const disk = await readModelFiles(ctx.modelDir);
  const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
  const runner = await createSplitRunner(inspected, 'wasm');
  try {
    const embeddings = await embedWindows(
      runner,
      ctx.candidates.map((c) => c.ids),
      defaultEmbeddingBlock(runner.blocks),
    );
    return selectCalibration(ctx.candidates, embeddings, {
      method: 'ccds',
      samples: ctx.samples,
      seed: ctx.seed,
    }).samples.map((s) => s.window);
  } finally {
    await runner.release();
  }
});

export interface CalibrationUsed {
  readonly windows: number[][];
  readonly source: string;
  readonly perDomain?: Record<string, number>;
}

/**
 * `--calib` / `--calib-ids` go through the shared builder (with `--calib-method ccds` handled by
 * ccds-calibration's selector); `--calib-method ccds|random` alone draws from the built-in pool
 * (or `--pool` files) with the runner this command already has open.
 */
export async function calibrationFor(
  args: ParsedArgs,
  modelPath: string,
  runner: SplitRunner,
): Promise<CalibrationUsed> {
  const hasData = typeof args.options.calib === 'string' || typeof args.options['calib-ids'] === 'string';
  const method = args.options['calib-method'];
  if (hasData) return buildCalibration(args, modelPath, configVocabSize(modelPath));
  if (method === 'ccds' || method === 'random') {
    const options = readPoolCalibrationArgs(args, method);
    const pool = await buildPoolCalibration(runner, loadModelTokenizer(modelPath), options);
    const from = options.pool ? options.pool.join(', ') : 'built-in pool';
    return {
      windows: pool.windows,
      source: `${method} ${options.samples} of ${pool.candidates.length} windows of ${options.seqLen} tokens from ${from} (seed ${options.seed})`,
      perDomain: pool.perDomain,
    };
  }
  throw new CliError(
    'bad-args',
    'Give calibration data: --calib <text file>, --calib-ids <ids.json>, or --calib-method ccds|random to draw --samples windows of --seq-len tokens from the built-in pool.',
  );
}
