/**
 * Last-k: remove the final k blocks (optionally sparing the very last few, which many models
 * need to map back to the vocabulary). The simplest baseline; one evaluation.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger } from './evaluation-ledger';
import { validateSpace, type Pattern } from './pattern';
import { readClock, SearchError, type SearchContext, type SearchResult } from './result';

export interface LastKParams {
  readonly k: number;
  /** Final blocks always kept; 0 = remove the last k outright. */
  readonly keepFinal?: number;
}

export function pickLastK(blocks: number, k: number, keepFinal = 0): Pattern {
  validateSpace({ units: blocks, removed: k });
  if (!Number.isInteger(keepFinal) || keepFinal < 0 || k + keepFinal > blocks) {
    throw new SearchError('bad-params', `cannot remove ${k} blocks while keeping the final ${keepFinal} of ${blocks}`);
  }
  const end = blocks - keepFinal;
  return Array.from({ length: k }, (_, i) => end - k + i);
}

export async function searchLastK(
  evaluator: Evaluator,
  params: LastKParams,
  context: SearchContext = {},
): Promise<SearchResult> {
  const now = readClock(context);
  const started = now();
  const drop = pickLastK(evaluator.blocks, params.k, params.keepFinal ?? 0);
  const ledger = createEvaluationLedger(evaluator);
  const [score] = await ledger.score([{ drop }], context.signal);
  const ms = now() - started;
  const entry = {
    step: 1,
    drop,
    ppl: score!.ppl,
    evaluations: ledger.evaluations(),
    tokensEvaluated: ledger.tokensEvaluated(),
    elapsedMs: ms,
  };
  return {
    method: 'last',
    drop,
    ppl: entry.ppl,
    evaluations: entry.evaluations,
    tokensEvaluated: entry.tokensEvaluated,
    ms,
    history: [entry],
    stopReason: 'done',
  };
}
