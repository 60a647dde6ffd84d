import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenize/tokenizer';
import { parseCorpusFile, parseCorpusIndex, type CorpusDocument } from './corpus';
import { checkIdsInVocab, cutWindows, IdsJsonError, parseIdsJson } from './windows';

/** A stand-in tokenizer: one id per character, so offsets are easy to check by hand. */
const charTokenizer = { encode: (t: string) => [...t].map((c) => c.charCodeAt(0)) };

const doc = (text: string, domain: string, d: number): CorpusDocument => ({
  text,
  source: { domain, file: `${domain}.txt`, doc: d },
});

function idsError(text: string, options = {}): IdsJsonError {
  try {
    parseIdsJson(text, options);
  } catch (e) {
    if (e instanceof IdsJsonError) return e;
    throw e;
  }
  throw new Error('expected an IdsJsonError');
}

describe('cutWindows', () => {
  it('cuts full windows only, each keeping its document source and token offset', () => {
    const docs = [doc('abcdefghij', 'a', 0), doc('xyz', 'b', 0), doc('0123456', 'b', 1)];
    const w = cutWindows(docs, charTokenizer, { seqLen: 3 });
    expect(w.map((x) => String.fromCharCode(...x.ids))).toEqual(['abc', 'def', 'ghi', 'xyz', '012', '345']);
    expect(w[2]?.source).toEqual({ domain: 'a', file: 'a.txt', doc: 0, tokenOffset: 6 });
    expect(w[5]?.source).toEqual({ domain: 'b', file: 'b.txt', doc: 1, tokenOffset: 3 });
  });

  it('honours a stride (overlapping or skipping) and a per-document cap spread over the document', () => {
    const docs = [doc('abcdefghij', 'a', 0)];
    expect(cutWindows(docs, charTokenizer, { seqLen: 4, stride: 2 }).map((x) => x.source.tokenOffset)).toEqual([
      0, 2, 4, 6,
    ]);
    expect(cutWindows(docs, charTokenizer, { seqLen: 2, stride: 5 }).map((x) => x.source.tokenOffset)).toEqual([0, 5]);
    expect(cutWindows(docs, charTokenizer, { seqLen: 2, maxPerDocument: 2 }).map((x) => x.source.tokenOffset)).toEqual([
      0, 4,
    ]);
    expect(() => cutWindows(docs, charTokenizer, { seqLen: 1 })).toThrow(/seqLen/);
    expect(() => cutWindows(docs, charTokenizer, { seqLen: 4, stride: 0 })).toThrow(/stride/);
  });

  it('cuts the built-in corpus with the demo tokenizer; windows decode back to text of their own excerpt', () => {
    const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
    const docs = parseCorpusFile(readFileSync('public/corpus/kjv.heldout.txt', 'utf8'), 'kjv', 'kjv.heldout.txt');
    expect(docs.length).toBeGreaterThan(10);
    expect(docs.every((d) => !d.text.includes('### '))).toBe(true);
    const windows = cutWindows(docs.slice(0, 5), tok, { seqLen: 64 });
    expect(windows.length).toBeGreaterThan(5);
    for (const w of windows) {
      expect(w.ids).toHaveLength(64);
      expect(w.source.domain).toBe('kjv');
      expect(w.source.file).toBe('kjv.heldout.txt');
      expect(w.source.title).toMatch(/^kjv \d+: /);
      const text = docs[w.source.doc]?.text ?? '';
      // Byte-level BPE can split a character across windows; the middle always round-trips.
      expect(text).toContain(tok.decode(w.ids.slice(2, 62)).trim());
    }
  });
});

describe('parseIdsJson', () => {
  it('reads equal-length rows of token ids', () => {
    expect(parseIdsJson('[[1, 2, 3], [0, 4095, 7]]', { vocabSize: 4096, seqLen: 3 })).toEqual([
      [1, 2, 3],
      [0, 4095, 7],
    ]);
  });

  it('says which row is wrong, and how', () => {
    expect(idsError('[[1,2],[3]').message).toMatch(
      /^ids\.json is not valid JSON \(.+\)\. It must be an array of arrays of token ids\.$/,
    );
    expect(idsError('{"ids": []}').message).toBe(
      'ids.json must be a JSON array of rows, each an array of token ids, e.g. [[464, 3290], [50, 7]].',
    );
    expect(idsError('[]').message).toBe('ids.json has no rows. Add at least one array of token ids.');
    const notArray = idsError('[[1, 2], 3]');
    expect(notArray.row).toBe(1);
    expect(notArray.message).toBe('ids.json row 1 is not an array of token ids.');
    expect(idsError('[[1], []]').message).toBe('ids.json row 1 is empty.');
    expect(idsError('[[1, 2], [3, 4], [5]]').message).toBe(
      'ids.json row 2 has 1 ids but row 0 has 2: all rows must be the same length.',
    );
    expect(idsError('[[1, 2], [3, -4]]').message).toBe(
      'ids.json row 1, position 1: -4 is not a non-negative integer token id.',
    );
    expect(idsError('[[1.5]]').message).toBe('ids.json row 0, position 0: 1.5 is not a non-negative integer token id.');
    expect(idsError('[["7"]]').message).toBe('ids.json row 0, position 0: "7" is not a non-negative integer token id.');
    expect(idsError('[[1, 2]]', { seqLen: 3 }).message).toBe('ids.json rows have 2 ids, but 3 were asked for.');
  });

  it('checks ids against the vocabulary size', () => {
    const e = idsError('[[1, 2], [3, 4096]]', { vocabSize: 4096 });
    expect(e.row).toBe(1);
    expect(e.message).toBe(
      "ids.json row 1, position 1: token id 4096 is outside the model's vocabulary of 4096. Were these ids made with another tokenizer?",
    );
    expect(() => checkIdsInVocab([[0, 10]], 11)).not.toThrow();
    expect(() => checkIdsInVocab([[0, 11]], 11)).toThrow(IdsJsonError);
  });
});

describe('parseCorpusIndex', () => {
  it('reads the committed index and refuses a foreign one', () => {
    const index = parseCorpusIndex(JSON.parse(readFileSync('public/corpus/index.json', 'utf8')));
    expect(index.domains.map((d) => d.domain)).toEqual(['sotu', 'austen', 'kjv', 'jargon', 'brown', 'moby-dick']);
    expect(index.domains.find((d) => d.domain === 'moby-dick')?.demoModel).toBe('unseen');
    expect(() => parseCorpusIndex({ format: 'x' })).toThrow(
      'corpus index.json is not usable (format "x", expected "evop-corpus/1"). Rebuild it with: node scripts/build-corpus.mjs',
    );
    expect(() => parseCorpusIndex({ format: 'evop-corpus/1', domains: [{ domain: 'a' }] })).toThrow(
      /lacks its name or files/,
    );
  });
});
