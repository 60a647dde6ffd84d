import { describe, expect, it } from 'vitest';
import { keptBlocks, planTrie } from '../core/evaluate/trie-plan';
import { gaLikeBatch } from './ga-batch';

describe('the benchmark batch', () => {
  it('is 32 distinct canonical patterns of k = 4, the same for the same seed', () => {
    const batch = gaLikeBatch({ blocks: 16, removed: 4, size: 32, seed: 1 });
    expect(batch).toHaveLength(32);
    expect(new Set(batch.map((p) => p.join(','))).size).toBe(32);
    for (const p of batch) {
      expect(p).toHaveLength(4);
      expect([...p].sort((a, b) => a - b)).toEqual(p);
      expect(p.every((b) => b >= 0 && b < 16)).toBe(true);
    }
    expect(gaLikeBatch({ blocks: 16, removed: 4, size: 32, seed: 1 })).toEqual(batch);
    expect(gaLikeBatch({ blocks: 16, removed: 4, size: 32, seed: 2 })).not.toEqual(batch);
  });

  it('shares structure as a converged population does, more than uniformly random patterns', () => {
    const share = (ps: number[][]) => {
      const plan = planTrie(ps.map((p) => keptBlocks(16, p)));
      return plan.blockPasses / plan.unsharedBlockPasses;
    };
    // Random 4-subsets: a seeded LCG is enough here.
    let s = 5;
    const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const random = Array.from({ length: 32 }, () => {
      const set = new Set<number>();
      while (set.size < 4) set.add(Math.floor(rand() * 16));
      return [...set].sort((a, b) => a - b);
    });
    expect(share(gaLikeBatch({ blocks: 16, removed: 4, size: 32, seed: 1 }))).toBeLessThan(share(random));
  });

  it('refuses a batch larger than the pattern space', () => {
    expect(() => gaLikeBatch({ blocks: 5, removed: 1, size: 6 })).toThrow(/only 5 distinct/);
  });
});
