import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer, TokenizerError } from './tokenizer';

const demo = (f: string) => JSON.parse(readFileSync(`public/models/demo/${f}`, 'utf8')) as unknown;

describe('loadTokenizer', () => {
  const tok = loadTokenizer(demo('tokenizer.json'), demo('tokenizer_config.json'));

  it('reads the demo tokenizer with its 4,096-token vocabulary', () => {
    expect(tok.vocabSize).toBe(4096);
  });

  it('round-trips text through encode and decode', () => {
    const text = 'And God said unto Pharaoh, the Congress of the United States.';
    const ids = tok.encode(text);
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.length).toBeLessThan(text.length);
    expect(ids.every((i) => Number.isInteger(i) && i >= 0 && i < 4096)).toBe(true);
    expect(tok.decode(ids)).toBe(text);
  });

  it('refuses something that is not a tokenizer.json with an actionable message', () => {
    expect(() => loadTokenizer({ hello: 1 })).toThrow(TokenizerError);
    expect(() => loadTokenizer({ hello: 1 })).toThrow(/tokenizer\.json/);
  });
});
