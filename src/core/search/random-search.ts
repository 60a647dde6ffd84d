/**
 * Random search: distinct uniformly random patterns, each scored on the full set, until the
 * evaluation budget is spent — EPPS's budget by default, so the comparison is at equal cost.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createRng } from '../random/rng';
import { enumeratePatterns } from './brute-force';
import { EPPS_DEFAULTS } from './epps-params';
import { checkBatchSize, createBatchScan } from './batch-scan';
import { sampleRandomPattern } from './operators';
import { countPatterns, encodePatternKey, validateSpace, type Pattern } from './pattern';
import { SearchError, type SearchContext, type SearchResult, type StepEvent } from './result';

export interface RandomSearchParams {
  readonly k: number;
  /** Full evaluations to spend; default EPPS's default budget (400). */
  readonly evaluationBudget?: number;
  /** Patterns per `evaluate` call. 32, as many as an EPPS generation screens. */
  readonly batchSize?: number;
}

/** `count` distinct patterns in draw order. */
export function drawDistinctPatterns(seed: number, units: number, removed: number, count: number): Pattern[] {
  const rng = createRng(seed);
  const space = countPatterns(units, removed);
  const n = Math.min(count, space);
  // Rejection sampling slows to a crawl as it nears the whole space; there, shuffle the space.
  if (n > space / 2 && space <= 1_000_000) return rng.sample([...enumeratePatterns(units, removed)], n);
  const seen = new Set<string>();
  const out: Pattern[] = [];
  while (out.length < n) {
    const p = sampleRandomPattern(rng, units, removed);
    const key = encodePatternKey(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

export async function* searchRandom(
  evaluator: Evaluator,
  params: RandomSearchParams,
  context: SearchContext = {},
): AsyncGenerator<StepEvent, SearchResult, void> {
  validateSpace({ units: evaluator.blocks, removed: params.k });
  const budget = params.evaluationBudget ?? EPPS_DEFAULTS.evaluationBudget;
  const batchSize = params.batchSize ?? 32;
  if (!(budget >= 1) || !Number.isFinite(budget)) {
    throw new SearchError(
      'bad-params',
      `random search needs a finite budget of at least one evaluation, got ${budget}`,
    );
  }
  checkBatchSize(batchSize);
  const patterns = drawDistinctPatterns(context.seed ?? 0, evaluator.blocks, params.k, Math.floor(budget));
  const scan = createBatchScan(evaluator, 'random', Math.ceil(patterns.length / batchSize), context);
  for (let start = 0; start < patterns.length; start += batchSize) {
    yield await scan.score(patterns.slice(start, start + batchSize));
  }
  return scan.result(patterns.length < Math.floor(budget) ? 'exhausted' : 'budget');
}
