import type { EvalRequest, EvalResult, EvaluateOptions, Evaluator } from '../core/evaluate/evaluator';
import type { EvaluateProgress } from '../../workers/evaluate-api';
import { Comlink, type ModelClient } from './model-client';

export class WorkerCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker's evaluator seen from the page, behind the core `Evaluator` interface, so the
 * search (pure core) runs on the main thread and every batch goes to the worker in one call.
 * An AbortSignal becomes the worker's `cancel()`.
 */
export function createRemoteEvaluator(
  client: ModelClient,
  shape: { blocks: number; windows: number; seqLen: number },
): Evaluator {
  return {
    ...shape,
    async evaluate(batch: readonly EvalRequest[], options: EvaluateOptions = {}): Promise<EvalResult[]> {
      options.signal?.throwIfAborted();
      const onAbort = () => void client.api.cancel();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const onResult = options.onResult;
        const res = await client.api.evaluate(
          batch.map((r) => ({ drop: [...r.drop], ...(r.windows ? { windows: r.windows } : {}) })),
          onResult ? Comlink.proxy((p: EvaluateProgress) => onResult(p.result, p.done, p.total)) : undefined,
        );
        if (!res.ok) {
          if (res.error.code === 'cancelled') throw new DOMException('Cancelled', 'AbortError');
          throw new WorkerCallError(res.error.code, res.error.message);
        }
        return res.value;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
