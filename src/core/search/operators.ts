/**
 * Genetic operators over fixed-size removal sets. Every operator returns a canonical pattern
 * (ascending, distinct) with exactly as many removed units as its inputs, so the search never
 * leaves the space of patterns with `k` blocks removed and needs no repair step.
 */
import type { Rng } from '../random/rng';
import type { Pattern } from './pattern';

function ascending(ids: number[]): Pattern {
  return ids.sort((a, b) => a - b);
}

/** A uniformly random k-subset of 0..units-1. */
export function sampleRandomPattern(rng: Rng, units: number, removed: number): Pattern {
  const all = Array.from({ length: units }, (_, i) => i);
  return ascending(rng.sample(all, removed));
}

/**
 * Index of the tournament winner: `size` entrants drawn uniformly with replacement, lowest
 * fitness wins, ties go to the lower index so the outcome depends only on the generator.
 */
export function selectByTournament(rng: Rng, fitness: readonly number[], size: number): number {
  if (fitness.length === 0) throw new RangeError('tournament over an empty population');
  let winner = rng.int(fitness.length);
  for (let i = 1; i < size; i++) {
    const challenger = rng.int(fitness.length);
    const f = fitness[challenger]!;
    const w = fitness[winner]!;
    if (f < w || (f === w && challenger < winner)) winner = challenger;
  }
  return winner;
}

/**
 * Removal-set crossover: the child removes every unit both parents remove, then fills up to
 * `k` with units drawn uniformly from those exactly one parent removes. Both parents have `k`
 * removed, so there are always enough to fill from, and a unit neither parent removes never
 * appears: the child stays inside what its parents explored.
 */
export function crossPatterns(rng: Rng, a: Pattern, b: Pattern): Pattern {
  if (a.length !== b.length) {
    throw new RangeError(`parents remove ${a.length} and ${b.length} blocks; they must match`);
  }
  const inB = new Set(b);
  const both: number[] = [];
  const either: number[] = [];
  for (const id of a) (inB.has(id) ? both : either).push(id);
  const inA = new Set(a);
  for (const id of b) if (!inA.has(id)) either.push(id);
  // Sorted before sampling so the draw depends on the sets, not on how the parents were listed.
  either.sort((x, y) => x - y);
  return ascending([...both, ...rng.sample(either, a.length - both.length)]);
}

/** Swap mutation: one removed unit comes back and one kept unit goes, both uniformly chosen. */
export function mutateBySwap(rng: Rng, drop: Pattern, units: number): Pattern {
  if (drop.length === 0 || drop.length >= units) return [...drop];
  const removed = new Set(drop);
  const kept: number[] = [];
  for (let i = 0; i < units; i++) if (!removed.has(i)) kept.push(i);
  const back = drop[rng.int(drop.length)]!;
  const goes = kept[rng.int(kept.length)]!;
  return ascending([...drop.filter((id) => id !== back), goes]);
}
