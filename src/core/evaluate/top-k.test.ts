import { describe, expect, it } from 'vitest';
import { softmaxTopK } from './top-k';
import { planDecoderFeeds, UnsupportedInputError } from './decoder-feeds';

describe('softmaxTopK', () => {
  it('returns the k largest logits in order with softmax probabilities', () => {
    const row = [1, 3, 2, 0, 3];
    const top = softmaxTopK(row, 3);
    expect(top.map((t) => t.id)).toEqual([1, 4, 2]);
    const z = row.reduce((s, v) => s + Math.exp(v), 0);
    expect(top[0]!.prob).toBeCloseTo(Math.exp(3) / z, 12);
    expect(top[2]!.prob).toBeCloseTo(Math.exp(2) / z, 12);
  });

  it('stays finite for large logits', () => {
    const top = softmaxTopK(new Float32Array([1000, 999, -1000]), 2);
    expect(top[0]!.prob).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });
});

describe('planDecoderFeeds', () => {
  it('plans ids, mask, positions and empty caches for an Optimum decoder', () => {
    const plan = planDecoderFeeds(
      [
        { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
        { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'total_sequence_length'] },
        { name: 'position_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
        { name: 'past_key_values.0.key', type: 'float32', shape: ['batch_size', 2, 'past_sequence_length', 32] },
      ],
      1,
      7,
    );
    expect(plan.map((p) => p.dims)).toEqual([
      [1, 7],
      [1, 7],
      [1, 7],
      [1, 2, 0, 32],
    ]);
    expect(plan[3]!.kind).toBe('past');
  });

  it('names the input it cannot fill', () => {
    expect(() => planDecoderFeeds([{ name: 'pixel_values', type: 'float32', shape: [1, 3] }], 1, 4)).toThrow(
      UnsupportedInputError,
    );
    expect(() => planDecoderFeeds([{ name: 'pixel_values', type: 'float32', shape: [1, 3] }], 1, 4)).toThrow(
      /pixel_values/,
    );
  });
});
