import type { SearchMethod, SearchParamsByMethod } from '../core/search';

export interface SearchSettings {
  readonly method: SearchMethod;
  /** Blocks to remove. */
  readonly k: number;
  readonly population: number;
  readonly generations: number;
  /** Full-evaluation equivalents the search may spend (EPPS, random). */
  readonly budget: number;
  readonly seed: number;
  readonly staged: boolean;
}

/** Interactive defaults: a quarter of the demo's blocks, a short run that finishes in a minute or so. */
export const DEFAULT_SEARCH: SearchSettings = {
  method: 'evo',
  k: 4,
  population: 12,
  generations: 15,
  budget: 200,
  seed: 1,
  staged: true,
};

/** The lab's settings as the search methods' parameters (EPPS: twice the population as offspring). */
export function paramsFor(s: SearchSettings, influence?: readonly number[]): SearchParamsByMethod[SearchMethod] {
  switch (s.method) {
    case 'evo':
      return {
        k: s.k,
        population: s.population,
        offspring: 2 * s.population,
        generations: s.generations,
        evaluationBudget: s.budget,
        staged: s.staged,
      };
    case 'random':
      return { k: s.k, evaluationBudget: s.budget };
    case 'shortgpt':
      return influence ? { k: s.k, influence } : { k: s.k };
    default:
      return { k: s.k };
  }
}
