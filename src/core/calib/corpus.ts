/**
 * Documents with their provenance, and the reader for the built-in corpus files
 * (public/corpus/<domain>.pool.txt / .heldout.txt, written by scripts/build-corpus.mjs).
 */
import type { UserText } from './user-text';

/** Where a document came from; every window cut from it carries this along. */
export interface DocumentSource {
  /** Domain of the built-in corpus (`sotu`, ...) or `user` for user text. */
  domain: string;
  /** File name (`sotu.pool.txt`, the dropped file) or `pasted`. */
  file: string;
  /** 0-based index of the document in its file. */
  doc: number;
  /** The excerpt heading (built-in corpus) or `line N` (JSONL / CSV). */
  title?: string;
}

export interface CorpusDocument {
  text: string;
  source: DocumentSource;
}

/** The built-in domains, in the order the UI lists them. */
export const BUILT_IN_DOMAINS = ['sotu', 'austen', 'kjv', 'jargon', 'brown', 'moby-dick'] as const;
export type BuiltInDomain = (typeof BUILT_IN_DOMAINS)[number];

/**
 * Splits a built-in corpus file at its `### <domain> <n>: <title>` excerpt lines; the heading
 * lines are dropped so they never end up inside a calibration window.
 */
export function parseCorpusFile(text: string, domain: string, file: string): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  let title: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) {
      const source: DocumentSource = { domain, file, doc: docs.length };
      if (title !== undefined) source.title = title;
      docs.push({ text: body, source });
    }
    lines = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.startsWith('### ')) {
      flush();
      title = line.slice(4).trim();
    } else {
      lines.push(line);
    }
  }
  flush();
  return docs;
}

/** Attaches provenance to parsed user text. */
export function toCorpusDocuments(user: UserText, file = 'pasted', domain = 'user'): CorpusDocument[] {
  const lineBased = user.format === 'jsonl' || user.format === 'csv';
  return user.documents.map((d, doc) => {
    const source: DocumentSource = { domain, file, doc };
    if (lineBased) source.title = `${user.format === 'csv' ? 'record' : 'line'} ${d.line}`;
    return { text: d.text, source };
  });
}

/** One domain's entry in public/corpus/index.json. */
export interface CorpusIndexEntry {
  domain: string;
  sourceFile: string;
  sourceBytes: number;
  pool: { file: string; bytes: number; textBytes: number; excerpts: number };
  heldout: { file: string; bytes: number; textBytes: number; excerpts: number };
  source: string;
  licence: string;
  /** Whether the demo model was trained on this domain (its held-out text may then overlap training text). */
  demoModel: 'seen' | 'unseen';
  demoModelNote: string;
}

/** public/corpus/index.json, written by scripts/build-corpus.mjs. */
export interface CorpusIndex {
  format: 'evop-corpus/1';
  description: string;
  demoModelOverlap: string;
  provenance: string;
  domains: CorpusIndexEntry[];
  totalBytes: number;
}

/** Checks the parts of index.json the lab relies on, so a stale or foreign file fails clearly. */
export function parseCorpusIndex(json: unknown): CorpusIndex {
  const fail = (why: string): never => {
    throw new Error(`corpus index.json is not usable (${why}). Rebuild it with: node scripts/build-corpus.mjs`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const index = json as Partial<CorpusIndex>;
  if (index.format !== 'evop-corpus/1') fail(`format ${JSON.stringify(index.format)}, expected "evop-corpus/1"`);
  if (!Array.isArray(index.domains) || index.domains.length === 0) fail('no domains');
  for (const d of index.domains as unknown[]) {
    const e = d as Partial<CorpusIndexEntry> | null;
    if (typeof e?.domain !== 'string' || typeof e.pool?.file !== 'string' || typeof e.heldout?.file !== 'string') {
      fail('a domain entry lacks its name or files');
    }
  }
  return index as CorpusIndex;
}
