/**
 * The benchmark's batch: what one generation of EPPS asks the evaluator late in a run, when the
 * population has converged around a few good patterns. Children of the real operators
 * (tournament-free here: parents drawn uniformly) on a handful of parents that are themselves
 * one swap away from a common ancestor, so the batch shares structure as a real late generation
 * does, no more. Seeded, so every run and both runtimes see the same patterns.
 */
import { createRng } from '../core/random/rng';
import { crossPatterns, mutateBySwap, sampleRandomPattern } from '../core/search/operators';

export interface GaBatchOptions {
  readonly blocks: number;
  readonly removed: number;
  readonly size: number;
  readonly parents?: number;
  readonly seed?: number;
}

export function gaLikeBatch({ blocks, removed, size, parents = 4, seed = 7 }: GaBatchOptions): number[][] {
  const rng = createRng(seed);
  const ancestor = sampleRandomPattern(rng, blocks, removed);
  const pool = Array.from({ length: parents }, () => mutateBySwap(rng, ancestor, blocks));
  const seen = new Set<string>();
  const batch: number[][] = [];
  // Distinct children only: the memo would answer a repeat for free in every strategy alike.
  for (let tries = 0; batch.length < size && tries < size * 100; tries++) {
    const a = pool[rng.int(pool.length)]!;
    const b = pool[rng.int(pool.length)]!;
    let child = crossPatterns(rng, a, b);
    if (rng.next() < 0.5) child = mutateBySwap(rng, child, blocks);
    const key = child.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    batch.push([...child]);
  }
  if (batch.length < size)
    throw new RangeError(`only ${batch.length} distinct patterns of ${removed} in ${blocks} blocks`);
  return batch;
}
