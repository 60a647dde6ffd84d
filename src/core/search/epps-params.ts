/**
 * EPPS knobs, their defaults and their validation. The paper leaves most of these open; the
 * defaults are the project's choice, tuned so that at L = 16, k = 4 the search finds the
 * brute-force optimum of a rugged landscape with a quarter of brute force's evaluations, while
 * staying interactive on a laptop (about 8 full-evaluation equivalents per generation).
 */
import { SearchError } from './result';

export interface EppsParams {
  /** Blocks to remove (the search keeps this fixed). */
  readonly k: number;
  /** Population size. 16: enough diversity for tournament selection at L <= 64, cheap to seed. */
  readonly population?: number;
  /** Children bred per generation. 32: cheap when staged, gives the screen a real choice. */
  readonly offspring?: number;
  /** Generations after the initial population. 100: in practice the budget or stagnation ends a run first. */
  readonly generations?: number;
  /** Entrants per tournament. 3: mild pressure, keeps diversity in a population of 16. */
  readonly tournamentSize?: number;
  /** Probability a child is bred by crossover rather than copied from one parent. 0.9. */
  readonly crossoverRate?: number;
  /**
   * Probability of one swap mutation per child. 0.5: a child equal to a known pattern is bred
   * again anyway (see `maxAttempts`), so mutation is for exploration, not for avoiding copies.
   */
  readonly mutationRate?: number;
  /** Best members carried over unchanged, never replaced. 2. */
  readonly elitism?: number;
  /**
   * Stop before spending more than this many full-evaluation equivalents (a pattern scored on m
   * of n windows costs m / n). 400, a little under a quarter of C(16, 4) = 1820. `Infinity` for
   * no limit.
   */
  readonly evaluationBudget?: number;
  /**
   * Stop after this many generations without a better full-set perplexity. 40: on rugged synthetic
   * landscapes (L = 16, k = 4) 20 stopped too early in about 1 run in 6 on the hardest one, 40 in
   * 1 in 60, and runs used about 270 evaluations instead of the whole budget. Raise it (or set it
   * above `generations`) to always spend the budget.
   */
  readonly stagnationLimit?: number;
  /** Screen every child on `stageWindows` windows and re-score only the best on the full set. */
  readonly staged?: boolean;
  /** Windows of the screen. Default ceil(windows / 8): an eighth of the cost of a full score. */
  readonly stageWindows?: number;
  /** Children per generation that enter the population (the best after the screen). 4. */
  readonly promote?: number;
  /** Patterns placed in the first population (for example the heuristics' answers). */
  readonly seeds?: readonly (readonly number[])[];
  /**
   * Attempts per child to breed a pattern that is neither in the population, nor in this
   * generation's batch, nor already scored on the full set. 30.
   */
  readonly maxAttempts?: number;
}

/** Every knob filled in; plain JSON (an unlimited budget is `null`), stored in a saved state. */
export interface ResolvedEppsParams {
  readonly k: number;
  readonly population: number;
  readonly offspring: number;
  readonly generations: number;
  readonly tournamentSize: number;
  readonly crossoverRate: number;
  readonly mutationRate: number;
  readonly elitism: number;
  readonly evaluationBudget: number | null;
  readonly stagnationLimit: number;
  readonly staged: boolean;
  readonly stageWindows: number;
  readonly promote: number;
  readonly seeds: readonly (readonly number[])[];
  readonly maxAttempts: number;
}

export const EPPS_DEFAULTS = {
  population: 16,
  offspring: 32,
  generations: 100,
  tournamentSize: 3,
  crossoverRate: 0.9,
  mutationRate: 0.5,
  elitism: 2,
  evaluationBudget: 400,
  stagnationLimit: 40,
  staged: true,
  /** Fraction of the calibration windows used by the screen when `stageWindows` is not set. */
  stageFraction: 1 / 8,
  promote: 4,
  maxAttempts: 30,
} as const;

function requireInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new SearchError('bad-params', `${name} must be a whole number >= ${min}, got ${value}`);
  }
  return value;
}

function requireRate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new SearchError('bad-params', `${name} must be between 0 and 1, got ${value}`);
  }
  return value;
}

export function resolveEppsParams(params: EppsParams, windows: number): ResolvedEppsParams {
  const d = EPPS_DEFAULTS;
  const population = requireInteger('population', params.population ?? d.population, 2);
  const budget = params.evaluationBudget ?? d.evaluationBudget;
  if (!(budget > 0)) {
    throw new SearchError('bad-params', `the evaluation budget must be positive, got ${budget}`);
  }
  const elitism = requireInteger('elitism', params.elitism ?? d.elitism, 0);
  if (elitism >= population) {
    throw new SearchError('bad-params', `elitism (${elitism}) must be smaller than the population (${population})`);
  }
  const stageWindows = requireInteger(
    'stageWindows',
    params.stageWindows ?? Math.max(1, Math.ceil(windows * d.stageFraction)),
    1,
  );
  return {
    k: params.k,
    population,
    offspring: requireInteger('offspring', params.offspring ?? d.offspring, 1),
    generations: requireInteger('generations', params.generations ?? d.generations, 0),
    tournamentSize: requireInteger('tournamentSize', params.tournamentSize ?? d.tournamentSize, 1),
    crossoverRate: requireRate('crossoverRate', params.crossoverRate ?? d.crossoverRate),
    mutationRate: requireRate('mutationRate', params.mutationRate ?? d.mutationRate),
    elitism,
    evaluationBudget: Number.isFinite(budget) ? budget : null,
    stagnationLimit: requireInteger('stagnationLimit', params.stagnationLimit ?? d.stagnationLimit, 1),
    // A screen as large as the full set would only pay twice for the same number.
    staged: (params.staged ?? d.staged) && stageWindows < windows,
    stageWindows: Math.min(stageWindows, windows),
    promote: requireInteger('promote', params.promote ?? d.promote, 1),
    seeds: (params.seeds ?? []).map((s) => [...s]),
    maxAttempts: requireInteger('maxAttempts', params.maxAttempts ?? d.maxAttempts, 1),
  };
}
