/**
 * Candidate windows from the built-in corpus pools, cheaply: only the start of each excerpt is
 * tokenized (enough for `perDocument` windows), so the whole 1.2 MB pool is not encoded to
 * offer a few hundred candidates.
 */
import type { TextTokenizer } from '../tokenize/tokenizer';
import { parseCorpusFile } from './corpus';
import { cutWindows, type CandidateWindow } from './windows';

export interface PoolFile {
  readonly domain: string;
  readonly file: string;
  readonly text: string;
}

/** Characters per token is below 6 for English BPE; 6 keeps enough text for the windows wanted. */
const CHARS_PER_TOKEN_BOUND = 6;

export function poolWindows(
  files: readonly PoolFile[],
  tokenizer: Pick<TextTokenizer, 'encode'>,
  options: { seqLen: number; perDocument?: number },
): CandidateWindow[] {
  const per = options.perDocument ?? 2;
  const keepChars = options.seqLen * per * CHARS_PER_TOKEN_BOUND;
  const docs = files.flatMap((f) =>
    parseCorpusFile(f.text, f.domain, f.file).map((d) => ({ ...d, text: d.text.slice(0, keepChars) })),
  );
  return cutWindows(docs, tokenizer, { seqLen: options.seqLen, maxPerDocument: per });
}
