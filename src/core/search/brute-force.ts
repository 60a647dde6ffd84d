/**
 * Brute force: every pattern with `k` of `L` blocks removed, scored on the full set — the
 * ground truth the other methods are measured against, refused when C(L, k) is too large to be
 * worth waiting for. `saveState()` between pulls returns plain JSON that `resumeBruteForce`
 * continues exactly.
 */
import type { Evaluator } from '../evaluate/evaluator';
import {
  checkBatchSize,
  checkScanProgress,
  freshScan,
  scanBatches,
  type BatchScanPlan,
  type BatchScanProgress,
} from './batch-scan';
import { countPatterns, validateSpace, type Pattern } from './pattern';
import { SearchError, type SearchContext, type StepEvent } from './result';
import { checkSavedShape, type ResumableRun } from './saved-state';

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

/** Brute force's settings with the defaults filled in; part of its saved state. */
export interface ResolvedBruteForceParams {
  readonly k: number;
  readonly batchSize: number;
}

/** Everything needed to continue a brute-force run; plain JSON. */
export interface BruteForceState extends BatchScanProgress {
  readonly format: 'evop-brute-state/1';
  readonly params: ResolvedBruteForceParams;
  /** Shape of the evaluator the run was scored with; a resume checks it. */
  readonly blocks: number;
  readonly windows: number;
}

export type BruteForceRun = ResumableRun<StepEvent, BruteForceState>;

function resolveBruteForceParams(blocks: number, params: { k: number; batchSize?: number }): ResolvedBruteForceParams {
  validateSpace({ units: blocks, removed: params.k });
  const batchSize = params.batchSize ?? BRUTE_FORCE_DEFAULTS.batchSize;
  checkBatchSize(batchSize);
  return { k: params.k, batchSize };
}

function planBruteForce(blocks: number, params: ResolvedBruteForceParams): BatchScanPlan {
  return {
    method: 'brute',
    what: 'brute force',
    batchSize: params.batchSize,
    total: countPatterns(blocks, params.k),
    *patterns(from) {
      let i = 0;
      for (const p of enumeratePatterns(blocks, params.k)) if (i++ >= from) yield p;
    },
    stopReason: 'done',
  };
}

function scanBruteForce(evaluator: Evaluator, state: BruteForceState, context: SearchContext): BruteForceRun {
  const { format, params, blocks, windows } = state;
  return scanBatches(evaluator, planBruteForce(blocks, params), state, context, (progress) => ({
    format,
    params,
    blocks,
    windows,
    ...progress,
  }));
}

/**
 * Starts a brute-force run. Settings and the size limit are checked here, before the first pull.
 * `saveState()` works at any point between pulls, before the first one too.
 */
export function searchBruteForce(
  evaluator: Evaluator,
  params: BruteForceParams,
  context: SearchContext = {},
): BruteForceRun {
  validateSpace({ units: evaluator.blocks, removed: params.k });
  checkBruteForce(evaluator.blocks, params.k, params.limit ?? BRUTE_FORCE_DEFAULTS.limit);
  const state: BruteForceState = {
    format: 'evop-brute-state/1',
    params: resolveBruteForceParams(evaluator.blocks, params),
    blocks: evaluator.blocks,
    windows: evaluator.windows,
    ...freshScan(),
  };
  return scanBruteForce(evaluator, state, context);
}

/**
 * Continues a brute-force run saved by `saveState()`. The size limit was checked when the run
 * started and is not checked again.
 */
export function resumeBruteForce(
  evaluator: Evaluator,
  state: BruteForceState,
  context: SearchContext = {},
): BruteForceRun {
  checkSavedShape(state, 'evop-brute-state/1', 'brute-force search', evaluator);
  const params = resolveBruteForceParams(evaluator.blocks, state.params);
  checkScanProgress(planBruteForce(state.blocks, params), state, evaluator);
  return scanBruteForce(evaluator, { ...state, params }, context);
}
