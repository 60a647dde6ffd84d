/** What every search method returns and reports, so the CLI and the UI compare them as equals. */

export type SearchMethod = 'evo' | 'shortgpt' | 'sleb' | 'random' | 'brute' | 'last';

export type SearchErrorCode = 'bad-params' | 'bad-pattern' | 'bad-state' | 'too-many-patterns' | 'missing-influence';

/** Errors carry a code for programs and a message that tells the user what to do. */
export class SearchError extends Error {
  readonly code: SearchErrorCode;
  constructor(code: SearchErrorCode, message: string) {
    super(message);
    this.name = 'SearchError';
    this.code = code;
  }
}

export interface ScoredPattern {
  readonly drop: readonly number[];
  /** Full-calibration-set perplexity. */
  readonly ppl: number;
}

/** One point of a method's progress: the best full-set answer after a step or generation. */
export interface HistoryEntry {
  /** Generation (EPPS), greedy step (SLEB), batch (random, brute force). */
  readonly step: number;
  readonly drop: readonly number[];
  readonly ppl: number;
  readonly evaluations: number;
  readonly tokensEvaluated: number;
  readonly elapsedMs: number;
}

/**
 * Why a run ended. `exhausted`: no child could be bred that was not already scored on the full set
 * (EPPS: the population's neighbourhood is used up), or the budget covers the whole space (random).
 */
export type StopReason = 'done' | 'generations' | 'budget' | 'stagnation' | 'exhausted';

export interface SearchResult {
  readonly method: SearchMethod;
  readonly drop: readonly number[];
  /** Full-calibration-set perplexity of `drop` (NaN only for ShortGPT with `evaluate: false`). */
  readonly ppl: number;
  /**
   * Full-evaluation equivalents: a pattern scored on m of the n calibration windows counts m / n,
   * memo hits count nothing.
   */
  readonly evaluations: number;
  readonly tokensEvaluated: number;
  readonly ms: number;
  readonly history: readonly HistoryEntry[];
  readonly stopReason: StopReason;
  /** ShortGPT only: Block Influence per block (lower = more removable). */
  readonly scores?: readonly number[];
}

/** EPPS progress, once per generation (generation 0 = the initial population). */
export interface GenerationEvent {
  readonly type: 'generation';
  readonly generation: number;
  /** Best full-set pattern found so far in the run. */
  readonly best: ScoredPattern;
  /** Mean and worst full-set perplexity of the current population. */
  readonly mean: number;
  readonly worst: number;
  /** Mean pairwise distance of the population, 0 = all equal, 1 = no removed block shared. */
  readonly diversity: number;
  readonly evaluations: number;
  readonly tokensEvaluated: number;
  /** Per block, the fraction of the population that keeps it. */
  readonly keepFrequency: readonly number[];
  readonly elapsedMs: number;
}

/** Baseline progress: after each greedy step (SLEB) or evaluated batch (random, brute force). */
export interface StepEvent {
  readonly type: 'step';
  readonly method: SearchMethod;
  readonly step: number;
  /** Steps the method will take in all (batches or greedy steps). */
  readonly steps: number;
  readonly best: ScoredPattern | null;
  readonly evaluations: number;
  readonly tokensEvaluated: number;
  readonly elapsedMs: number;
}

export type SearchEvent = GenerationEvent | StepEvent;

/** Randomness and time come in from the caller so a run is reproducible by its seed. */
export interface SearchContext {
  /** Seed of the one generator behind every random choice (default 0). */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Milliseconds clock (default `performance.now`); inject a fake one to replay runs exactly. */
  readonly now?: () => number;
}

export function readClock(context: SearchContext): () => number {
  return context.now ?? (() => performance.now());
}
