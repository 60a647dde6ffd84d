import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenize/tokenizer';
import { builtInCandidates } from './built-in-set';
import { BUILT_IN_DOMAINS } from './corpus';

describe('builtInCandidates', () => {
  it('gives the same number of real windows from every domain, each a slice of its pool text', () => {
    const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
    const files = BUILT_IN_DOMAINS.map((d) => ({ domain: d, file: `${d}.pool.txt`, text: readFileSync(`public/corpus/${d}.pool.txt`, 'utf8') }));
    const c = builtInCandidates(files, tok, { seqLen: 64, candidates: 60 });
    expect(c).toHaveLength(60);
    for (const d of BUILT_IN_DOMAINS) expect(c.filter((w) => w.source.domain === d)).toHaveLength(10);
    for (const w of c.slice(0, 12)) {
      expect(w.ids).toHaveLength(64);
      const pool = files.find((f) => f.domain === w.source.domain)!.text;
      expect(pool).toContain(tok.decode(w.ids.slice(1, 20)).trim().slice(0, 30));
    }
  });
});
