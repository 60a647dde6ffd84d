/**
 * Brute force: every pattern with `k` of `L` blocks removed, scored on the full set — the
 * ground truth the other methods are measured against, refused when C(L, k) is too large to be
 * worth waiting for.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { checkBatchSize, createBatchScan } from './batch-scan';
import { countPatterns, validateSpace, type Pattern } from './pattern';
import { SearchError, type SearchContext, type SearchResult, type StepEvent } from './result';

export interface BruteForceParams {
  readonly k: number;
  /** Refuse when C(L, k) is above this. 5000: about a minute of the demo model on a laptop. */
  readonly limit?: number;
  /** Patterns per `evaluate` call; lexicographic batches share long prefixes. 128. */
  readonly batchSize?: number;
}

export const BRUTE_FORCE_DEFAULTS = { limit: 5000, batchSize: 128 } as const;

/** All k-subsets of 0..units-1 in lexicographic order. */
export function* enumeratePatterns(units: number, removed: number): Generator<Pattern> {
  const idx = Array.from({ length: removed }, (_, i) => i);
  if (removed > units) return;
  for (;;) {
    yield [...idx];
    let i = removed - 1;
    while (i >= 0 && idx[i] === units - removed + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < removed; j++) idx[j] = idx[j - 1]! + 1;
  }
}

export function checkBruteForce(units: number, removed: number, limit: number = BRUTE_FORCE_DEFAULTS.limit): number {
  const count = countPatterns(units, removed);
  if (count > limit) {
    throw new SearchError(
      'too-many-patterns',
      `brute force would evaluate C(${units}, ${removed}) = ${count.toLocaleString('en-US')} patterns, ` +
        `more than the limit of ${limit.toLocaleString('en-US')}; raise the limit or use the evolutionary search (--method evo)`,
    );
  }
  return count;
}

export async function* searchBruteForce(
  evaluator: Evaluator,
  params: BruteForceParams,
  context: SearchContext = {},
): AsyncGenerator<StepEvent, SearchResult, void> {
  validateSpace({ units: evaluator.blocks, removed: params.k });
  const count = checkBruteForce(evaluator.blocks, params.k, params.limit ?? BRUTE_FORCE_DEFAULTS.limit);
  const batchSize = params.batchSize ?? BRUTE_FORCE_DEFAULTS.batchSize;
  checkBatchSize(batchSize);
  const scan = createBatchScan(evaluator, 'brute', Math.ceil(count / batchSize), context);
  let batch: Pattern[] = [];
  for (const p of enumeratePatterns(evaluator.blocks, params.k)) {
    batch.push(p);
    if (batch.length === batchSize) {
      yield await scan.score(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield await scan.score(batch);
  return scan.result('done');
}
