/**
 * Random search: distinct uniformly random patterns, each scored on the full set, until the
 * evaluation budget is spent — EPPS's budget by default, so the comparison is at equal cost.
 * `saveState()` between pulls returns plain JSON that `resumeRandomSearch` continues exactly.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createRng } from '../random/rng';
import { enumeratePatterns } from './brute-force';
import { EPPS_DEFAULTS } from './epps-params';
import {
  checkBatchSize,
  checkScanProgress,
  freshScan,
  scanBatches,
  type BatchScanPlan,
  type BatchScanProgress,
} from './batch-scan';
import { sampleRandomPattern } from './operators';
import { countPatterns, encodePatternKey, validateSpace, type Pattern } from './pattern';
import { SearchError, type SearchContext, type StepEvent } from './result';
import { checkSavedShape, type ResumableRun } from './saved-state';

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

/** Random search's settings with the defaults filled in; part of its saved state. */
export interface ResolvedRandomSearchParams {
  readonly k: number;
  readonly evaluationBudget: number;
  readonly batchSize: number;
}

/** Everything needed to continue a random search; plain JSON. */
export interface RandomSearchState extends BatchScanProgress {
  readonly format: 'evop-random-state/1';
  /** The draw order is a pure function of the seed, so the seed and `position` stand for the rng state. */
  readonly seed: number;
  readonly params: ResolvedRandomSearchParams;
  /** Shape of the evaluator the run was scored with; a resume checks it. */
  readonly blocks: number;
  readonly windows: number;
}

export type RandomSearchRun = ResumableRun<StepEvent, RandomSearchState>;

function resolveRandomParams(blocks: number, params: RandomSearchParams): ResolvedRandomSearchParams {
  validateSpace({ units: blocks, removed: params.k });
  const budget = params.evaluationBudget ?? EPPS_DEFAULTS.evaluationBudget;
  const batchSize = params.batchSize ?? 32;
  if (!(budget >= 1) || !Number.isFinite(budget)) {
    throw new SearchError(
      'bad-params',
      `random search needs a finite budget of at least one evaluation, got ${budget}`,
    );
  }
  checkBatchSize(batchSize);
  return { k: params.k, evaluationBudget: budget, batchSize };
}

function planRandom(seed: number, blocks: number, params: ResolvedRandomSearchParams): BatchScanPlan {
  const count = Math.floor(params.evaluationBudget);
  const total = Math.min(count, countPatterns(blocks, params.k));
  let drawn: Pattern[] | undefined;
  return {
    method: 'random',
    what: 'random search',
    batchSize: params.batchSize,
    total,
    patterns: (from) => (drawn ??= drawDistinctPatterns(seed, blocks, params.k, count)).slice(from),
    stopReason: total < count ? 'exhausted' : 'budget',
  };
}

function scanRandom(
  evaluator: Evaluator,
  state: RandomSearchState,
  context: SearchContext,
  plan: BatchScanPlan = planRandom(state.seed, state.blocks, state.params),
): RandomSearchRun {
  const { format, seed, params, blocks, windows } = state;
  return scanBatches(evaluator, plan, state, context, (progress) => ({
    format,
    seed,
    params,
    blocks,
    windows,
    ...progress,
  }));
}

/**
 * Starts a random search; `context.seed` drives the draw. Settings are checked here, before the
 * first pull. `saveState()` works at any point between pulls, before the first one too.
 */
export function searchRandom(
  evaluator: Evaluator,
  params: RandomSearchParams,
  context: SearchContext = {},
): RandomSearchRun {
  const resolved = resolveRandomParams(evaluator.blocks, params);
  const state: RandomSearchState = {
    format: 'evop-random-state/1',
    seed: context.seed ?? 0,
    params: resolved,
    blocks: evaluator.blocks,
    windows: evaluator.windows,
    ...freshScan(),
  };
  return scanRandom(evaluator, state, context);
}

/** Continues a random search saved by `saveState()`, with the settings and seed stored in it. */
export function resumeRandomSearch(
  evaluator: Evaluator,
  state: RandomSearchState,
  context: SearchContext = {},
): RandomSearchRun {
  checkSavedShape(state, 'evop-random-state/1', 'random search', evaluator);
  const params = resolveRandomParams(evaluator.blocks, state.params);
  const plan = planRandom(state.seed, state.blocks, params);
  checkScanProgress(plan, state, evaluator);
  return scanRandom(evaluator, { ...state, params }, context, plan);
}
