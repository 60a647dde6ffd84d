/**
 * What brute force and random search share: score fixed patterns batch by batch through one
 * ledger, keep the best (the first of equal scores, so the answer does not depend on batching),
 * and report a step per batch.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger } from './evaluation-ledger';
import type { Pattern } from './pattern';
import {
  readClock,
  SearchError,
  type HistoryEntry,
  type ScoredPattern,
  type SearchContext,
  type SearchMethod,
  type SearchResult,
  type StepEvent,
  type StopReason,
} from './result';

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SearchError('bad-params', `batchSize must be a whole number >= 1, got ${batchSize}`);
  }
}

export interface BatchScan {
  /** Scores one batch and returns the step event for it. */
  score(batch: readonly Pattern[]): Promise<StepEvent>;
  result(stopReason: StopReason): SearchResult;
}

export function createBatchScan(
  evaluator: Evaluator,
  method: SearchMethod,
  steps: number,
  context: SearchContext,
): BatchScan {
  const now = readClock(context);
  const started = now();
  const ledger = createEvaluationLedger(evaluator);
  const history: HistoryEntry[] = [];
  let best: ScoredPattern | null = null;
  const current = (): ScoredPattern => {
    if (!best) throw new SearchError('bad-params', `${method} scored no pattern`);
    return best;
  };
  return {
    async score(batch) {
      const scores = await ledger.score(
        batch.map((drop) => ({ drop })),
        context.signal,
      );
      batch.forEach((drop, i) => {
        const ppl = scores[i]!.ppl;
        if (best === null || ppl < best.ppl) best = { drop, ppl };
      });
      const b = current();
      const entry: HistoryEntry = {
        step: history.length + 1,
        drop: b.drop,
        ppl: b.ppl,
        evaluations: ledger.evaluations(),
        tokensEvaluated: ledger.tokensEvaluated(),
        elapsedMs: now() - started,
      };
      history.push(entry);
      return { type: 'step', method, steps, best: b, ...entry };
    },
    result(stopReason) {
      const b = current();
      return {
        method,
        drop: b.drop,
        ppl: b.ppl,
        evaluations: ledger.evaluations(),
        tokensEvaluated: ledger.tokensEvaluated(),
        ms: now() - started,
        history,
        stopReason,
      };
    },
  };
}
