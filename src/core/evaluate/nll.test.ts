import { describe, expect, it } from 'vitest';
import { addNll, nllFromLogits, perplexity } from './nll';

describe('nllFromLogits', () => {
  it('scores positions 0..s-2 against the next token with an exact log-softmax', () => {
    // One window [0, 1, 1], vocab 2: rows 0 and 1 are scored, row 2 is not.
    const logits = new Float32Array([0, 0, 2, 0, 5, 5]);
    const n = nllFromLogits(logits, [[0, 1, 1]], 2);
    expect(n.count).toBe(2);
    const expected = Math.log(2) + (Math.log(Math.exp(2) + 1) - 0);
    expect(n.sum).toBeCloseTo(expected, 12);
  });

  it('gives perplexity = vocab for uniform logits', () => {
    const vocab = 7;
    const ids = [
      [1, 2, 3, 4],
      [6, 5, 4, 3],
    ];
    const n = nllFromLogits(new Float32Array(8 * vocab), ids, vocab);
    expect(perplexity(n).ppl).toBeCloseTo(vocab, 10);
  });

  it('combines chunks exactly and refuses mismatched shapes', () => {
    const a = { sum: 3, count: 2 };
    const b = { sum: 1, count: 2 };
    expect(perplexity(addNll(a, b))).toEqual({ nll: 1, ppl: Math.E });
    expect(() => nllFromLogits(new Float32Array(5), [[1, 2]], 2)).toThrow(/rows/);
    expect(() => perplexity({ sum: 0, count: 0 })).toThrow(/no tokens/);
  });
});
