/**
 * What brute force and random search share: score a fixed sequence of patterns batch by batch
 * through one ledger, keep the best (the first of equal scores, so the answer does not depend on
 * batching), and report a step per batch. The sequence is a pure function of the settings (and
 * the seed), so the progress of a scan is a position in it: a saved scan is that position, the
 * best so far, the history, the elapsed time and the ledger, and a resumed scan continues at the
 * position exactly as if it had never stopped.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger, type LedgerSnapshot } from './evaluation-ledger';
import { encodePatternKey, type Pattern } from './pattern';
import {
  readClock,
  SearchError,
  type HistoryEntry,
  type ScoredPattern,
  type SearchContext,
  type SearchResult,
  type StepEvent,
  type StopReason,
} from './result';
import { attachSaveState, checkSavedCount, type ResumableRun } from './saved-state';

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SearchError('bad-params', `batchSize must be a whole number >= 1, got ${batchSize}`);
  }
}

/** How far a scan has come; part of the saved random and brute-force states (plain JSON). */
export interface BatchScanProgress {
  /** Patterns of the sequence scored so far (the next batch starts here). */
  readonly position: number;
  readonly best: ScoredPattern | null;
  readonly elapsedMs: number;
  readonly history: readonly HistoryEntry[];
  readonly ledger: LedgerSnapshot;
  /** Set once the scan has finished. */
  readonly stopReason: StopReason | null;
}

export function freshScan(): BatchScanProgress {
  return {
    position: 0,
    best: null,
    elapsedMs: 0,
    history: [],
    ledger: { memo: [], windowsUsed: 0, tokensEvaluated: 0 },
    stopReason: null,
  };
}

export interface BatchScanPlan {
  readonly method: 'random' | 'brute';
  /** Names the search in messages ("random search", "brute force"). */
  readonly what: string;
  readonly batchSize: number;
  /** Patterns in the whole sequence. */
  readonly total: number;
  /** The sequence from index `from` on, in scan order. */
  patterns(from: number): Iterable<Pattern>;
  /** Why the scan ends when the sequence is used up. */
  readonly stopReason: StopReason;
}

/**
 * Refuses progress that does not fit the plan: a position out of range, a history of the wrong
 * length, or a pattern before the position that the ledger never scored (another seed or other
 * settings than the ones the state claims).
 */
export function checkScanProgress(plan: BatchScanPlan, progress: BatchScanProgress, evaluator: Evaluator): void {
  checkSavedCount(progress.position, 'the position', 0, plan.total);
  const steps = Math.ceil(progress.position / plan.batchSize);
  if (progress.position < plan.total && progress.position % plan.batchSize !== 0) {
    throw new SearchError(
      'bad-state',
      `the saved ${plan.what} is damaged: position ${progress.position} is not at a batch boundary (${plan.batchSize})`,
    );
  }
  if (progress.history.length !== steps || progress.position > 0 !== (progress.best !== null)) {
    throw new SearchError(
      'bad-state',
      `the saved ${plan.what} is damaged: ${progress.history.length} history entries for ${steps} batches`,
    );
  }
  const ledger = createEvaluationLedger(evaluator, progress.ledger);
  let i = 0;
  for (const p of plan.patterns(0)) {
    if (i++ >= progress.position) break;
    if (ledger.lookup(p) === undefined) {
      throw new SearchError(
        'bad-state',
        `the saved ${plan.what} does not match its own settings: pattern [${encodePatternKey(p)}] ` +
          'comes before the saved position but was never scored; start the search again',
      );
    }
  }
}

/** Runs (or continues) a scan; `save` turns its progress into the method's saved state. */
export function scanBatches<S>(
  evaluator: Evaluator,
  plan: BatchScanPlan,
  progress: BatchScanProgress,
  context: SearchContext,
  save: (progress: BatchScanProgress) => S,
): ResumableRun<StepEvent, S> {
  const ledger = createEvaluationLedger(evaluator, progress.ledger);
  const history: HistoryEntry[] = [...progress.history];
  let best: ScoredPattern | null = progress.best;
  let position = progress.position;
  let stopReason = progress.stopReason;
  let checkpoint = save(progress);
  const snapshot = (elapsedMs: number): S =>
    save({ position, best, elapsedMs, history: [...history], ledger: ledger.snapshot(), stopReason });
  const steps = Math.ceil(plan.total / plan.batchSize);

  async function* run(): AsyncGenerator<StepEvent, SearchResult, void> {
    const now = readClock(context);
    const started = now();
    const elapsed = () => progress.elapsedMs + (now() - started);
    const score = async (batch: readonly Pattern[]): Promise<StepEvent> => {
      const scores = await ledger.score(
        batch.map((drop) => ({ drop })),
        context.signal,
      );
      batch.forEach((drop, i) => {
        const ppl = scores[i]!.ppl;
        if (best === null || ppl < best.ppl) best = { drop, ppl };
      });
      position += batch.length;
      const b = best!;
      const entry: HistoryEntry = {
        step: history.length + 1,
        drop: b.drop,
        ppl: b.ppl,
        evaluations: ledger.evaluations(),
        tokensEvaluated: ledger.tokensEvaluated(),
        elapsedMs: elapsed(),
      };
      history.push(entry);
      checkpoint = snapshot(entry.elapsedMs);
      return { type: 'step', method: plan.method, steps, best: b, ...entry };
    };

    if (stopReason === null) {
      let batch: Pattern[] = [];
      for (const p of plan.patterns(position)) {
        batch.push(p);
        if (batch.length === plan.batchSize) {
          yield await score(batch);
          batch = [];
        }
      }
      if (batch.length > 0) yield await score(batch);
      stopReason = plan.stopReason;
    }
    const ms = elapsed();
    checkpoint = snapshot(ms);
    if (!best) throw new SearchError('bad-params', `${plan.what} scored no pattern`);
    const b: ScoredPattern = best;
    return {
      method: plan.method,
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
