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

/** At most `max` candidates, the same number from every domain, spread evenly over each pool. */
export function spreadOverDomains(all: readonly CandidateWindow[], max: number): CandidateWindow[] {
  const byDomain = new Map<string, CandidateWindow[]>();
  for (const w of all) byDomain.set(w.source.domain, [...(byDomain.get(w.source.domain) ?? []), w]);
  const per = Math.max(1, Math.floor(max / Math.max(1, byDomain.size)));
  const out: CandidateWindow[] = [];
  for (const list of byDomain.values()) {
    const n = Math.min(per, list.length);
    for (let i = 0; i < n; i++) out.push(list[Math.floor((i * list.length) / n)]!);
  }
  return out;
}

/** The lab's built-in candidates: pool windows, then at most `candidates` spread over the domains. */
export function builtInCandidates(
  files: readonly PoolFile[],
  tokenizer: Pick<TextTokenizer, 'encode'>,
  options: { seqLen: number; candidates: number },
): CandidateWindow[] {
  return spreadOverDomains(poolWindows(files, tokenizer, { seqLen: options.seqLen }), options.candidates);
}
