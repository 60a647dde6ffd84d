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

export interface WatchdogOptions {
  /** Silence allowed before any answer was timed (the first call, the first after a recovery). */
  readonly initialStallMs?: number;
  /** Silence allowed is `stallFactor` times the slowest gap seen, and at least `minStallMs`. */
  readonly stallFactor?: number;
  readonly minStallMs?: number;
  /** Faults survived in one call before giving up (a model that always crashes its worker). */
  readonly maxFaultsPerCall?: number;
  /** While a call is in flight, `link.ping` every `heartbeatMs`; no reply for `heartbeatTimeoutMs` is a hang. */
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly pace?: Pace;
  readonly now?: () => number;
  readonly onFault?: (fault: Fault) => void;
}

/** A failure that replacing the worker can cure; anything else is the caller's to see. */
export function asFault(e: unknown): Fault | null {
  if (e instanceof FaultError) return { kind: e.kind, message: e.message };
  if (e instanceof WorkerCallError && e.code === 'device-lost') return { kind: 'device-lost', message: e.message };
  if (e instanceof WorkerCallError && e.code === 'crashed') return { kind: 'crash', message: e.message };
  return null;
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
  const maxFaults = options.maxFaultsPerCall ?? 3;
  const pace = options.pace ?? { slowestGapMs: 0 };
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 15_000;
  const now = options.now ?? (() => performance.now());
  /** The first call on a fresh worker pays one-off costs (sessions, shaders): no pace for it yet. */
  let fresh = true;

  const stallLimit = () =>
    fresh || pace.slowestGapMs === 0 ? initialStallMs : Math.max(minStallMs, stallFactor * pace.slowestGapMs);

  let startedOn = 0;
  const attempt = (batch: readonly EvalRequest[], opts: EvaluateOptions): Promise<EvalResult[]> => {
    startedOn = link.epoch?.() ?? 0;
    let last = now();
    let gap = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    let lastPong = now();
    let pinging = false;
    let lastPing = now();
    /** Silence measured inside the worker: only while it works on a batch, never while a call waits its turn. */
    let workerSilentMs = 0;
    const stalled = new Promise<never>((_, reject) => {
      const check = () => {
        const t = now();
        const limit = stallLimit();
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
        if (link.ping && t - lastPong > heartbeatTimeoutMs) {
          reject(
            new FaultError(
              'hang',
              `the evaluation worker stopped answering (no reply for ${Math.round(heartbeatTimeoutMs / 1000)} s)`,
            ),
          );
        } else if (link.ping ? workerSilentMs > limit : t - last > limit) {
          reject(new FaultError('hang', `the evaluation worker gave no result for ${Math.round(limit / 1000)} s`));
        } else timer = setTimeout(check, Math.min(500, heartbeatMs / 2, limit / 4));
      };
      timer = setTimeout(check, Math.min(100, heartbeatMs / 2));
    });
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
    return Promise.race([call, stalled, link.crashed(), aborted])
      .then((value) => {
        // Only a call that came through sets the pace (the end counts as an answer); not the first
        // on a fresh worker, which pays one-off costs.
        if (!fresh) pace.slowestGapMs = Math.max(pace.slowestGapMs, gap, now() - last);
        fresh = false;
        return value;
      })
      .finally(() => {
        clearTimeout(timer);
        if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
        // The losers of the race must not become unhandled rejections.
        call.catch(() => undefined);
        stalled.catch(() => undefined);
        aborted.catch(() => undefined);
      });
  };

  return {
    ...shape,
    async evaluate(batch, opts = {}) {
      for (let faults = 0; ;) {
        opts.signal?.throwIfAborted();
        try {
          return await attempt(batch, opts);
        } catch (e) {
          const fault = asFault(e);
          if (!fault) throw e;
          faults++;
          options.onFault?.(fault);
          if (faults > maxFaults) {
            throw new Error(
              `The evaluation worker failed ${faults} times on the same batch (last: ${fault.message}); stopped. Reload the page, or try the other backend.`,
              { cause: e },
            );
          }
          opts.signal?.throwIfAborted();
          await link.recover(fault, startedOn);
          fresh = true;
        }
      }
    },
  };
}

export interface ResilientCallOptions {
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly maxFaultsPerCall?: number;
  readonly now?: () => number;
  readonly onFault?: (fault: Fault) => void;
}

/** A worker answer that names a fault (`{ ok: false, error: { code: 'device-lost' | 'crashed' } }`). */
function faultInResult(value: unknown): Fault | null {
  const v = value as { ok?: boolean; error?: { code?: string; message?: string } } | null;
  if (v?.ok !== false || !v.error) return null;
  if (v.error.code === 'device-lost') return { kind: 'device-lost', message: v.error.message ?? 'device lost' };
  if (v.error.code === 'crashed') return { kind: 'crash', message: v.error.message ?? 'crashed' };
  return null;
}

/**
 * Any other worker call (a prediction, a generation, Block Influence) under the same guard: a
 * crash, a lost device, or a worker that stops answering the heartbeat gets a fresh worker and
 * the call again. Only for calls that are pure functions of the loaded model and calibration set,
 * and that yield to the worker's event loop as they go (so a slow call is not taken for a hang).
 */
export async function callResiliently<T>(
  link: Omit<WorkerLink, 'evaluator'>,
  call: () => Promise<T>,
  options: ResilientCallOptions = {},
): Promise<T> {
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 15_000;
  const maxFaults = options.maxFaultsPerCall ?? 2;
  const now = options.now ?? (() => performance.now());
  for (let faults = 0; ;) {
    const startedOn = link.epoch?.() ?? 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let fault: Fault | null;
    let error: unknown;
    const pending = call();
    const silent = new Promise<never>((_, reject) => {
      if (!link.ping) return;
      let lastPong = now();
      let pinging = false;
      const check = () => {
        if (!pinging) {
          pinging = true;
          link.ping!().then(
            () => {
              pinging = false;
              lastPong = now();
            },
            () => undefined,
          );
        }
        if (now() - lastPong > heartbeatTimeoutMs) {
          reject(
            new FaultError(
              'hang',
              `the evaluation worker stopped answering (no reply for ${Math.round(heartbeatTimeoutMs / 1000)} s)`,
            ),
          );
        } else timer = setTimeout(check, heartbeatMs);
      };
      timer = setTimeout(check, Math.min(100, heartbeatMs / 2));
    });
    try {
      const value = await Promise.race([pending, silent, link.crashed()]);
      fault = faultInResult(value);
      if (!fault) return value;
    } catch (e) {
      fault = asFault(e);
      error = e;
      if (!fault) throw e;
    } finally {
      clearTimeout(timer);
      pending.catch(() => undefined);
      silent.catch(() => undefined);
    }
    faults++;
    options.onFault?.(fault);
    if (faults > maxFaults) {
      throw new Error(
        `The evaluation worker failed ${faults} times on the same call (last: ${fault.message}); stopped. Reload the page, or try the other backend.`,
        { cause: error ?? fault },
      );
    }
    await link.recover(fault, startedOn);
  }
}
