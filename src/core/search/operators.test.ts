import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { crossPatterns, mutateBySwap, sampleRandomPattern, selectByTournament } from './operators';
import { findPatternProblem, measureDistance } from './pattern';

describe('genetic operators keep exactly k blocks removed', () => {
  it('holds for random k-subsets, crossover and swap mutation over many seeds and shapes', () => {
    for (let seed = 0; seed < 1000; seed++) {
      const rng = createRng(seed);
      const units = 2 + rng.int(47);
      const k = 1 + rng.int(units - 1);
      const a = sampleRandomPattern(rng, units, k);
      const b = sampleRandomPattern(rng, units, k);
      expect(findPatternProblem(a, units, k)).toBeNull();
      expect([...a].sort((x, y) => x - y)).toEqual(a);

      const child = crossPatterns(rng, a, b);
      expect(findPatternProblem(child, units, k)).toBeNull();
      expect([...child].sort((x, y) => x - y)).toEqual(child);
      // Keeps what both parents remove; takes nothing neither parent removes.
      for (const id of a) if (b.includes(id)) expect(child).toContain(id);
      for (const id of child) expect(a.includes(id) || b.includes(id)).toBe(true);

      const mutant = mutateBySwap(rng, child, units);
      expect(findPatternProblem(mutant, units, k)).toBeNull();
      expect(measureDistance(mutant, child)).toBe(2);
    }
  });

  it('crossover of a pattern with itself is itself; crossover is seeded', () => {
    const rng = createRng(3);
    expect(crossPatterns(rng, [1, 4, 9], [1, 4, 9])).toEqual([1, 4, 9]);
    const run = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 20 }, () => crossPatterns(r, [0, 1, 2, 3], [4, 5, 6, 7]));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('fills crossover children from both parents roughly evenly', () => {
    const rng = createRng(9);
    const hits = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i++) for (const id of crossPatterns(rng, [0, 1, 2, 3], [4, 5, 6, 7])) hits[id]!++;
    for (const h of hits) expect(Math.abs(h - 2000)).toBeLessThan(150);
  });

  it('refuses parents of different sizes', () => {
    expect(() => crossPatterns(createRng(1), [1, 2], [1, 2, 3])).toThrow(/must match/);
  });
});

describe('tournament selection', () => {
  it('a tournament of one is uniform; a large one almost always returns the fittest', () => {
    const rng = createRng(2);
    const fitness = [5, 1, 9, 3];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[selectByTournament(rng, fitness, 1)]!++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    let best = 0;
    for (let i = 0; i < 1000; i++) if (selectByTournament(rng, fitness, 32) === 1) best++;
    expect(best).toBeGreaterThan(990);
  });

  it('breaks ties towards the lower index', () => {
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) expect(selectByTournament(rng, [2, 2], 40)).toBe(0);
  });
});
