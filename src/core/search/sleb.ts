/**
 * SLEB (Song et al., 2024): greedy block elimination. Each step scores every kept block's removal
 * on top of the blocks already removed, in one batch, and removes the one that raises perplexity
 * least; k steps. It costs L + (L - 1) + ... + (L - k + 1) evaluations and cannot undo a step,
 * which is where interacting blocks fool it.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger } from './evaluation-ledger';
import { keptUnits, validateSpace, type Pattern } from './pattern';
import {
  readClock,
  type HistoryEntry,
  type ScoredPattern,
  type SearchContext,
  type SearchResult,
  type StepEvent,
} from './result';

export interface SlebParams {
  readonly k: number;
  /**
   * Windows each candidate is scored on; default the full set. SLEB's paper scores on a small
   * calibration set, so a subset is a faithful cheaper variant; the final ppl is always full-set.
   */
  readonly windows?: number;
}

export async function* searchSleb(
  evaluator: Evaluator,
  params: SlebParams,
  context: SearchContext = {},
): AsyncGenerator<StepEvent, SearchResult, void> {
  validateSpace({ units: evaluator.blocks, removed: params.k });
  const now = readClock(context);
  const started = now();
  const ledger = createEvaluationLedger(evaluator);
  const history: HistoryEntry[] = [];
  let drop: Pattern = [];
  let best: ScoredPattern | null = null;
  for (let step = 1; step <= params.k; step++) {
    const candidates = keptUnits(drop, evaluator.blocks).map((b) => [...drop, b].sort((x, y) => x - y));
    const scores = await ledger.score(
      candidates.map((c) => (params.windows === undefined ? { drop: c } : { drop: c, windows: params.windows })),
      context.signal,
    );
    // Strictly lower wins, so ties go to the lowest block id (candidates are in block order).
    let pick = 0;
    for (let i = 1; i < candidates.length; i++) if (scores[i]!.ppl < scores[pick]!.ppl) pick = i;
    drop = candidates[pick]!;
    const [full] = await ledger.score([{ drop }], context.signal);
    best = { drop, ppl: full!.ppl };
    const elapsedMs = now() - started;
    const entry = {
      step,
      drop,
      ppl: best.ppl,
      evaluations: ledger.evaluations(),
      tokensEvaluated: ledger.tokensEvaluated(),
      elapsedMs,
    };
    history.push(entry);
    yield { type: 'step', method: 'sleb', steps: params.k, best, ...entry };
  }
  return {
    method: 'sleb',
    drop: best!.drop,
    ppl: best!.ppl,
    evaluations: ledger.evaluations(),
    tokensEvaluated: ledger.tokensEvaluated(),
    ms: now() - started,
    history,
    stopReason: 'done',
  };
}
