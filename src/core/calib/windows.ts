/**
 * Candidate calibration windows: fixed-length runs of token ids cut from documents, each
 * remembering where it came from; and `ids.json`, the ready-made alternative.
 */
import type { TextTokenizer } from '../tokenize/tokenizer';
import type { CorpusDocument, DocumentSource } from './corpus';

export interface WindowSource extends DocumentSource {
  /** Token offset of the window's first token inside its document's token stream. */
  tokenOffset: number;
}

export interface CandidateWindow {
  ids: number[];
  source: WindowSource;
}

export interface WindowOptions {
  /** Tokens per window. */
  seqLen: number;
  /** Tokens between window starts (default `seqLen`: windows touch but never overlap). */
  stride?: number;
  /** Keep at most this many windows per document, spread evenly over it (default: all). */
  maxPerDocument?: number;
}

/**
 * Cuts every document into windows of exactly `seqLen` tokens. A document's tail shorter than
 * `seqLen` is dropped rather than padded, because padding would be scored as text.
 */
export function cutWindows(
  docs: readonly CorpusDocument[],
  tokenizer: Pick<TextTokenizer, 'encode'>,
  options: WindowOptions,
): CandidateWindow[] {
  const { seqLen } = options;
  const stride = options.stride ?? seqLen;
  if (!Number.isInteger(seqLen) || seqLen < 2) throw new RangeError(`seqLen must be an integer >= 2, got ${seqLen}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be a positive integer, got ${stride}`);
  const out: CandidateWindow[] = [];
  for (const doc of docs) {
    const ids = tokenizer.encode(doc.text);
    const starts: number[] = [];
    for (let s = 0; s + seqLen <= ids.length; s += stride) starts.push(s);
    for (const start of spreadEvenly(starts, options.maxPerDocument)) {
      out.push({ ids: ids.slice(start, start + seqLen), source: { ...doc.source, tokenOffset: start } });
    }
  }
  return out;
}

function spreadEvenly<T>(items: readonly T[], max: number | undefined): readonly T[] {
  if (max === undefined || items.length <= max) return items;
  if (max <= 0) return [];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor((i * items.length) / max)] as T);
  return out;
}

export class IdsJsonError extends Error {
  override readonly name = 'IdsJsonError';
  readonly code = 'bad-ids-json';
  constructor(
    message: string,
    /** 0-based row the problem is in, when it is in one. */
    readonly row?: number,
  ) {
    super(message);
  }
}

export interface IdsJsonOptions {
  /** Refuse ids >= vocabSize: they would index past the model's embedding table. */
  vocabSize?: number;
  /** Require rows of exactly this length. */
  seqLen?: number;
}

/** Parses `ids.json`: a JSON array of equal-length arrays of non-negative integer token ids. */
export function parseIdsJson(text: string, options: IdsJsonOptions = {}): number[][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new IdsJsonError(
      `ids.json is not valid JSON (${(e as Error).message}). It must be an array of arrays of token ids.`,
    );
  }
  if (!Array.isArray(value)) {
    throw new IdsJsonError(
      'ids.json must be a JSON array of rows, each an array of token ids, e.g. [[464, 3290], [50, 7]].',
    );
  }
  if (value.length === 0) throw new IdsJsonError('ids.json has no rows. Add at least one array of token ids.');
  const rows: number[][] = [];
  let width = -1;
  for (let r = 0; r < value.length; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row)) throw new IdsJsonError(`ids.json row ${r} is not an array of token ids.`, r);
    if (row.length === 0) throw new IdsJsonError(`ids.json row ${r} is empty.`, r);
    if (width < 0) width = row.length;
    if (row.length !== width) {
      throw new IdsJsonError(
        `ids.json row ${r} has ${row.length} ids but row 0 has ${width}: all rows must be the same length.`,
        r,
      );
    }
    for (let j = 0; j < row.length; j++) {
      const id: unknown = row[j];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        throw new IdsJsonError(
          `ids.json row ${r}, position ${j}: ${JSON.stringify(id)} is not a non-negative integer token id.`,
          r,
        );
      }
    }
    rows.push(row as number[]);
  }
  if (options.seqLen !== undefined && width !== options.seqLen) {
    throw new IdsJsonError(`ids.json rows have ${width} ids, but ${options.seqLen} were asked for.`);
  }
  if (options.vocabSize !== undefined) checkIdsInVocab(rows, options.vocabSize);
  return rows;
}

/** Throws on the first id outside the vocabulary, naming its row and position. */
export function checkIdsInVocab(rows: readonly (readonly number[])[], vocabSize: number): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly number[];
    for (let j = 0; j < row.length; j++) {
      const id = row[j] as number;
      if (id >= vocabSize) {
        throw new IdsJsonError(
          `ids.json row ${r}, position ${j}: token id ${id} is outside the model's vocabulary of ${vocabSize}. Were these ids made with another tokenizer?`,
          r,
        );
      }
    }
  }
}
