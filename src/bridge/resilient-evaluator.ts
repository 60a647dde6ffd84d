import type { EvalRequest, EvalResult, EvaluateOptions, Evaluator } from '../core/evaluate/evaluator';
import { WorkerCallError } from './remote-evaluator';
import { FaultError, type Fault } from './faults';

export { FaultError, type Fault, type FaultKind } from './faults';

/** The worker as the resilient evaluator sees it: it can be asked, watched, and replaced. */
export interface WorkerLink {
  /** An evaluator on the current worker. */
  evaluator(): Evaluator;
  /** Rejects with a FaultError when the current worker reports an uncaught error. */
  crashed(): Promise<never>;
  /**
   * Replaces the worker and restores the model and calibration set in it. `seenOn` is the
   * `epoch()` the failed call started on: a worker replaced since needs no second replacement.
   */
  recover(fault: Fault, seenOn: number): Promise<void>;
  /** Which worker this is (changes with each replacement). */
  epoch?(): number;
  /**
   * A cheap call the worker answers between two model runs, even in the middle of a batch: a
   * worker that no longer answers it is hung or gone.
   */
  ping?(): Promise<{ readonly evaluatingSilentMs: number | null }>;
}

/** How fast answers come: a call is hung when it stays silent much longer than any answer before. */
export interface Pace {
  /** Longest wait seen between a call's start or result and its next result, ms. */
  slowestGapMs: number;
}

/** How a call's worker is watched and how many faults one call survives. */
export interface ResilientCallOptions {
  /** While a call is in flight, `link.ping` every `heartbeatMs`; no reply for `heartbeatTimeoutMs` is a hang. */
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
  /** Faults survived in one call before giving up (a model that always crashes its worker). */
  readonly maxFaultsPerCall?: number;
  readonly now?: () => number;
  readonly onFault?: (fault: Fault) => void;
}

export interface WatchdogOptions extends ResilientCallOptions {
  /** Silence allowed before any answer was timed (the first call, the first after a recovery). */
  readonly initialStallMs?: number;
  /** Silence allowed is `stallFactor` times the slowest gap seen, and at least `minStallMs`. */
  readonly stallFactor?: number;
  readonly minStallMs?: number;
  readonly pace?: Pace;
}

/** A failure that replacing the worker can cure; anything else is the caller's to see. */
export function asFault(e: unknown): Fault | null {
  if (e instanceof FaultError) return { kind: e.kind, message: e.message };
  if (e instanceof WorkerCallError && e.code === 'device-lost') return { kind: 'device-lost', message: e.message };
  if (e instanceof WorkerCallError && e.code === 'crashed') return { kind: 'crash', message: e.message };
  return null;
}

/** A worker answer that names a fault (`{ ok: false, error: { code: 'device-lost' | 'crashed' } }`). */
function faultInResult(value: unknown): Fault | null {
  const v = value as { ok?: boolean; error?: { code?: string; message?: string } } | null;
  if (v?.ok !== false || !v.error) return null;
  if (v.error.code === 'device-lost') return { kind: 'device-lost', message: v.error.message ?? 'device lost' };
  if (v.error.code === 'crashed') return { kind: 'crash', message: v.error.message ?? 'crashed' };
  return null;
}

interface Stall {
  /** Silence allowed now, ms. */
  limit(): number;
  /** Silence seen from the page (used when the link has no heartbeat). */
  pageSilentMs(): number;
}

/**
 * Runs `call` on the current worker and settles with it, or rejects with a FaultError as soon as
 * the worker crashes, stops answering the heartbeat, or (with `stall`) reports no finished
 * pattern for longer than the stall limit while it scores a batch. A call waiting its turn
 * behind another is not silent: the worker measures its silence only while it works on a batch.
 */
function watched<T>(
  link: Omit<WorkerLink, 'evaluator'>,
  call: Promise<T>,
  options: ResilientCallOptions,
  stall?: Stall,
): Promise<T> {
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 15_000;
  const now = options.now ?? (() => performance.now());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<never>((_, reject) => {
    if (!link.ping && !stall) return;
    let lastPong = now();
    let lastPing = -Infinity;
    let pinging = false;
    let workerSilentMs = 0;
    const check = () => {
      const t = now();
      if (link.ping && !pinging && t - lastPing >= heartbeatMs) {
        pinging = true;
        lastPing = t;
        link.ping().then(
          (beat) => {
            pinging = false;
            lastPong = now();
            workerSilentMs = beat.evaluatingSilentMs ?? 0;
          },
          () => undefined, // a dead link never answers; the silence below decides
        );
      }
      const limit = stall?.limit() ?? Infinity;
      if (link.ping && t - lastPong > heartbeatTimeoutMs) {
        reject(
          new FaultError(
            'hang',
            `the evaluation worker stopped answering (no reply for ${Math.round(heartbeatTimeoutMs / 1000)} s)`,
          ),
        );
      } else if ((link.ping ? workerSilentMs : (stall?.pageSilentMs() ?? 0)) > limit) {
        reject(new FaultError('hang', `the evaluation worker gave no result for ${Math.round(limit / 1000)} s`));
      } else timer = setTimeout(check, Math.min(500, heartbeatMs / 2, limit / 4));
    };
    timer = setTimeout(check, Math.min(100, heartbeatMs / 2));
  });
  return Promise.race([call, silent, link.crashed()]).finally(() => {
    clearTimeout(timer);
    // The losers of the race must not become unhandled rejections.
    call.catch(() => undefined);
    silent.catch(() => undefined);
  });
}

/**
 * Tries `attempt` until it comes through: a fault (crash, hang, lost device, thrown or answered)
 * gets a fresh worker from `link.recover` and another try; anything else goes to the caller.
 */
async function withRecovery<T>(
  link: Omit<WorkerLink, 'evaluator'>,
  options: ResilientCallOptions,
  what: string,
  attempt: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const maxFaults = options.maxFaultsPerCall ?? 3;
  for (let faults = 0; ;) {
    signal?.throwIfAborted();
    const startedOn = link.epoch?.() ?? 0;
    let fault: Fault | null;
    let error: unknown;
    try {
      const value = await attempt();
      fault = faultInResult(value);
      if (!fault) return value;
    } catch (e) {
      fault = asFault(e);
      error = e;
      if (!fault) throw e;
    }
    faults++;
    options.onFault?.(fault);
    if (faults > maxFaults) {
      throw new Error(
        `The evaluation worker failed ${faults} times on the same ${what} (last: ${fault.message}); stopped. Reload the page, or try the other backend.`,
        { cause: error ?? fault },
      );
    }
    signal?.throwIfAborted();
    await link.recover(fault, startedOn);
  }
}

/**
 * An evaluator that survives its worker: a call that stays silent far longer than any answer
 * before (hang), a worker that reports an uncaught error (crash), or a lost GPU device makes it
 * ask `link.recover` for a fresh worker and send the same batch again. Scores are pure functions
 * of the pattern and the calibration set, so the search above sees the same numbers it would
 * have seen without the fault: it continues from where it was, within the generation in flight.
 */
export function createResilientEvaluator(
  link: WorkerLink,
  shape: Omit<Evaluator, 'evaluate'>,
  options: WatchdogOptions = {},
): Evaluator {
  const initialStallMs = options.initialStallMs ?? 120_000;
  const stallFactor = options.stallFactor ?? 20;
  const minStallMs = options.minStallMs ?? 10_000;
  const pace = options.pace ?? { slowestGapMs: 0 };
  const now = options.now ?? (() => performance.now());
  /** The first call on a fresh worker pays one-off costs (sessions, shaders): no pace for it yet. */
  let fresh = true;
  const renewing: WorkerLink = {
    ...link,
    recover: async (fault, seenOn) => {
      await link.recover(fault, seenOn);
      fresh = true;
    },
  };

  const attempt = async (batch: readonly EvalRequest[], opts: EvaluateOptions): Promise<EvalResult[]> => {
    let last = now();
    let gap = 0;
    let onAbort: (() => void) | undefined;
    // A hung worker never sees `cancel()`: the abort must not wait for it.
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DOMException('Cancelled', 'AbortError'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const call = link.evaluator().evaluate(batch, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onResult: (result, done, total) => {
        const t = now();
        gap = Math.max(gap, t - last);
        last = t;
        opts.onResult?.(result, done, total);
      },
    });
    const stall: Stall = {
      limit: () =>
        fresh || pace.slowestGapMs === 0 ? initialStallMs : Math.max(minStallMs, stallFactor * pace.slowestGapMs),
      pageSilentMs: () => now() - last,
    };
    try {
      const value = await Promise.race([watched(link, call, options, stall), aborted]);
      // Only a call that came through sets the pace (the end counts as an answer); not the first
      // on a fresh worker, which pays one-off costs.
      if (!fresh) pace.slowestGapMs = Math.max(pace.slowestGapMs, gap, now() - last);
      fresh = false;
      return value;
    } finally {
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  };

  return {
    ...shape,
    evaluate: (batch, opts = {}) => withRecovery(renewing, options, 'batch', () => attempt(batch, opts), opts.signal),
  };
}

/**
 * Any other worker call (a prediction, a generation, Block Influence) under the same guard: a
 * crash, a lost device, or a worker that stops answering the heartbeat gets a fresh worker and
 * the call again. Only for calls that are pure functions of the loaded model and calibration set,
 * and that yield to the worker's event loop as they go (so a slow call is not taken for a hang).
 */
export function callResiliently<T>(
  link: Omit<WorkerLink, 'evaluator'>,
  call: () => Promise<T>,
  options: ResilientCallOptions = {},
): Promise<T> {
  return withRecovery(link, { maxFaultsPerCall: 2, ...options }, 'call', () => watched(link, call(), options));
}
