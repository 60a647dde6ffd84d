/**
 * The one road from a search method to the evaluator: it remembers every score (so no pattern
 * is ever evaluated twice at the same window budget, for the whole run and across a resume),
 * sends each batch in a single `evaluate` call (the evaluator shares prefixes within a batch)
 * and keeps the books. Cost is counted in windows, an integer, and reported as full-evaluation
 * equivalents (windows / full windows), so fractional staged costs never drift.
 */
import { patternKey, type Evaluator } from '../evaluate/evaluator';
import { SearchError } from './result';

export interface MemoEntry {
  readonly key: string;
  readonly windows: number;
  readonly nll: number;
  readonly ppl: number;
  readonly tokens: number;
}

/** Plain JSON, part of a saved search state. */
export interface LedgerSnapshot {
  readonly memo: readonly MemoEntry[];
  readonly windowsUsed: number;
  readonly tokensEvaluated: number;
}

export interface ScoreRequest {
  readonly drop: readonly number[];
  /** Windows to score; omitted or >= the full set means the full set. */
  readonly windows?: number;
}

export interface EvaluationLedger {
  /** Windows of the full calibration set. */
  readonly fullWindows: number;
  /** Scores a batch, in request order; only patterns not in the memo reach the evaluator. */
  score(requests: readonly ScoreRequest[], signal?: AbortSignal): Promise<MemoEntry[]>;
  lookup(drop: readonly number[], windows?: number): MemoEntry | undefined;
  /** Full-evaluation equivalents spent so far. */
  evaluations(): number;
  windowsUsed(): number;
  tokensEvaluated(): number;
  snapshot(): LedgerSnapshot;
}

function memoKey(key: string, windows: number): string {
  return `${key}@${windows}`;
}

export function createEvaluationLedger(evaluator: Evaluator, restore?: LedgerSnapshot): EvaluationLedger {
  const fullWindows = evaluator.windows;
  if (!Number.isInteger(fullWindows) || fullWindows < 1) {
    throw new SearchError('bad-params', `the calibration set has no windows (${fullWindows})`);
  }
  const memo = new Map<string, MemoEntry>();
  let windowsUsed = restore?.windowsUsed ?? 0;
  let tokens = restore?.tokensEvaluated ?? 0;
  for (const e of restore?.memo ?? []) memo.set(memoKey(e.key, e.windows), e);

  const budgetOf = (windows?: number): number => {
    if (windows === undefined || windows >= fullWindows) return fullWindows;
    if (!Number.isInteger(windows) || windows < 1) {
      throw new SearchError('bad-params', `a staged budget must be a whole number of windows >= 1, got ${windows}`);
    }
    return windows;
  };

  const lookup = (drop: readonly number[], windows?: number) => memo.get(memoKey(patternKey(drop), budgetOf(windows)));

  const score = async (requests: readonly ScoreRequest[], signal?: AbortSignal) => {
    signal?.throwIfAborted();
    const pending = new Map<string, { drop: number[]; windows: number; key: string }>();
    for (const r of requests) {
      const windows = budgetOf(r.windows);
      const key = patternKey(r.drop);
      const mk = memoKey(key, windows);
      if (!memo.has(mk) && !pending.has(mk)) {
        pending.set(mk, { drop: [...r.drop].sort((a, b) => a - b), windows, key });
      }
    }
    if (pending.size > 0) {
      const batch = [...pending.values()].map((p) =>
        p.windows < fullWindows ? { drop: p.drop, windows: p.windows } : { drop: p.drop },
      );
      const results = await evaluator.evaluate(batch, signal ? { signal } : undefined);
      signal?.throwIfAborted();
      // Matched by key and budget, not by position, so an evaluator may reorder its batch.
      const byKey = new Map<string, (typeof results)[number]>();
      for (const r of results) byKey.set(memoKey(r.patternKey, budgetOf(r.windows)), r);
      for (const [mk, p] of pending) {
        const r = byKey.get(mk);
        if (!r) {
          throw new Error(`the evaluator returned no result for pattern [${p.key}] on ${p.windows} windows`);
        }
        memo.set(mk, { key: p.key, windows: p.windows, nll: r.nll, ppl: r.ppl, tokens: r.tokens });
        windowsUsed += p.windows;
        tokens += r.tokens;
      }
    }
    return requests.map((r) => memo.get(memoKey(patternKey(r.drop), budgetOf(r.windows)))!);
  };

  return {
    fullWindows,
    score,
    lookup,
    evaluations: () => windowsUsed / fullWindows,
    windowsUsed: () => windowsUsed,
    tokensEvaluated: () => tokens,
    snapshot: () => ({ memo: [...memo.values()], windowsUsed, tokensEvaluated: tokens }),
  };
}
