/**
 * SLEB (Song et al., 2024): greedy block elimination. Each step scores every kept block's removal
 * on top of the blocks already removed, in one batch, and removes the one that raises perplexity
 * least; k steps. It costs L + (L - 1) + ... + (L - k + 1) evaluations and cannot undo a step,
 * which is where interacting blocks fool it. `saveState()` between pulls returns plain JSON that
 * `resumeSleb` continues exactly.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger, type LedgerSnapshot } from './evaluation-ledger';
import { keptUnits, validateSpace, type Pattern } from './pattern';
import {
  readClock,
  SearchError,
  type StopReason,
  type HistoryEntry,
  type ScoredPattern,
  type SearchContext,
  type SearchResult,
  type StepEvent,
} from './result';
import { attachSaveState, checkSavedCount, checkSavedShape, type ResumableRun } from './saved-state';

export interface SlebParams {
  readonly k: number;
  /**
   * Windows each candidate is scored on; default the full set. SLEB's paper scores on a small
   * calibration set, so a subset is a faithful cheaper variant; the final ppl is always full-set.
   */
  readonly windows?: number;
}

/** Everything needed to continue a SLEB run; plain JSON. SLEB uses no randomness. */
export interface SlebState {
  readonly format: 'evop-sleb-state/1';
  readonly params: SlebParams;
  /** Shape of the evaluator the run was scored with; a resume checks it. */
  readonly blocks: number;
  readonly windows: number;
  /** Greedy steps finished; the next one is `step + 1`. */
  readonly step: number;
  /** Blocks removed so far, sorted (`step` of them). */
  readonly drop: readonly number[];
  readonly best: ScoredPattern | null;
  readonly elapsedMs: number;
  readonly history: readonly HistoryEntry[];
  readonly ledger: LedgerSnapshot;
  /** Set once the run has finished. */
  readonly stopReason: StopReason | null;
}

export type SlebRun = ResumableRun<StepEvent, SlebState>;

function checkSlebParams(blocks: number, params: SlebParams): SlebParams {
  validateSpace({ units: blocks, removed: params.k });
  const { windows } = params;
  if (windows !== undefined && (!Number.isInteger(windows) || windows < 1)) {
    throw new SearchError('bad-params', `SLEB's windows must be a whole number >= 1, got ${windows}`);
  }
  // Only the two settings: the state must stay plain JSON whatever else the caller passed.
  return windows === undefined ? { k: params.k } : { k: params.k, windows };
}

/**
 * Starts a SLEB run. Settings are checked here, before the first pull. `saveState()` works at
 * any point between pulls, before the first one too.
 */
export function searchSleb(evaluator: Evaluator, params: SlebParams, context: SearchContext = {}): SlebRun {
  const state: SlebState = {
    format: 'evop-sleb-state/1',
    params: checkSlebParams(evaluator.blocks, params),
    blocks: evaluator.blocks,
    windows: evaluator.windows,
    step: 0,
    drop: [],
    best: null,
    elapsedMs: 0,
    history: [],
    ledger: { memo: [], windowsUsed: 0, tokensEvaluated: 0 },
    stopReason: null,
  };
  return runSleb(evaluator, state, context);
}

/** Continues a SLEB run saved by `saveState()`, with the settings stored in it. */
export function resumeSleb(evaluator: Evaluator, state: SlebState, context: SearchContext = {}): SlebRun {
  checkSavedShape(state, 'evop-sleb-state/1', 'SLEB search', evaluator);
  const params = checkSlebParams(evaluator.blocks, state.params);
  checkSavedCount(state.step, 'the step', 0, params.k);
  const drop = toPatternOrNull(state.drop, evaluator.blocks);
  if (
    drop === null ||
    drop.length !== state.step ||
    state.history.length !== state.step ||
    state.step > 0 !== (state.best !== null)
  ) {
    throw new SearchError(
      'bad-state',
      `the saved SLEB search is damaged: after ${state.step} steps it holds ${state.drop.length} removed blocks ` +
        `and ${state.history.length} history entries`,
    );
  }
  return runSleb(evaluator, { ...state, params, drop }, context);
}

/** Sorted distinct block ids below `blocks`, or null. */
function toPatternOrNull(drop: readonly number[], blocks: number): Pattern | null {
  if (!Array.isArray(drop)) return null;
  const sorted = [...drop].sort((a, b) => a - b);
  const ok = sorted.every((b, i) => Number.isInteger(b) && b >= 0 && b < blocks && (i === 0 || b > sorted[i - 1]!));
  return ok ? sorted : null;
}

function runSleb(evaluator: Evaluator, state: SlebState, context: SearchContext): SlebRun {
  const { format, params, blocks, windows } = state;
  const ledger = createEvaluationLedger(evaluator, state.ledger);
  const history: HistoryEntry[] = [...state.history];
  let step = state.step;
  let drop: Pattern = [...state.drop];
  let best: ScoredPattern | null = state.best;
  let stopReason = state.stopReason;
  let checkpoint: SlebState = state;
  const snapshot = (elapsedMs: number): SlebState => ({
    format,
    params,
    blocks,
    windows,
    step,
    drop: [...drop],
    best,
    elapsedMs,
    history: [...history],
    ledger: ledger.snapshot(),
    stopReason,
  });

  async function* run(): AsyncGenerator<StepEvent, SearchResult, void> {
    const now = readClock(context);
    const started = now();
    const elapsed = () => state.elapsedMs + (now() - started);
    while (stopReason === null && step < params.k) {
      const candidates = keptUnits(drop, evaluator.blocks).map((b) => [...drop, b].sort((x, y) => x - y));
      const scores = await ledger.score(
        candidates.map((c) => (params.windows === undefined ? { drop: c } : { drop: c, windows: params.windows })),
        context.signal,
      );
      // Strictly lower wins, so ties go to the lowest block id (candidates are in block order).
      let pick = 0;
      for (let i = 1; i < candidates.length; i++) if (scores[i]!.ppl < scores[pick]!.ppl) pick = i;
      const next = candidates[pick]!;
      const [full] = await ledger.score([{ drop: next }], context.signal);
      drop = next;
      step++;
      best = { drop, ppl: full!.ppl };
      const entry: HistoryEntry = {
        step,
        drop,
        ppl: best.ppl,
        evaluations: ledger.evaluations(),
        tokensEvaluated: ledger.tokensEvaluated(),
        elapsedMs: elapsed(),
      };
      history.push(entry);
      checkpoint = snapshot(entry.elapsedMs);
      yield { type: 'step', method: 'sleb', steps: params.k, best, ...entry };
    }
    stopReason = 'done';
    const ms = elapsed();
    checkpoint = snapshot(ms);
    const b = best!;
    return {
      method: 'sleb',
      drop: b.drop,
      ppl: b.ppl,
      evaluations: ledger.evaluations(),
      tokensEvaluated: ledger.tokensEvaluated(),
      ms,
      history: [...history],
      stopReason,
    };
  }

  return attachSaveState(run(), () => checkpoint);
}
