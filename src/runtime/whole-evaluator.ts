import { pruneModel, type InspectedModel } from '../core/onnx';
import {
  patternKey,
  type EvalRequest,
  type EvalResult,
  type EvaluateOptions,
  type Evaluator,
} from '../core/evaluate/evaluator';
import { EMPTY_NLL, addNll, nllFromLogits, perplexity } from '../core/evaluate/nll';
import type { Backend } from '../core/env/backend';
import { sessionBytes } from './model-bytes';
import { createSession, windowLogits } from './session';
import { yieldToEventLoop } from './yield';

export interface WholeEvaluatorOptions {
  readonly backend: Backend;
  /** Windows per forward pass. */
  readonly batch?: number;
  readonly now?: () => number;
}

/**
 * The reference evaluator: for every pattern, the surgically pruned file as a user would export
 * it, in a fresh session, scored with logits and log-softmax computed outside the graph. Slow
 * (a session and a full pass per pattern) but independent of the split evaluator, so the two
 * check each other; it is also strategy (a) of the evaluation benchmark.
 */
export function createWholeModelEvaluator(
  inspected: InspectedModel,
  windows: readonly (readonly number[])[],
  options: WholeEvaluatorOptions,
): Evaluator & { readonly blockPasses: number } {
  const blocks = inspected.blocks.blocks.length;
  const batch = options.batch ?? 8;
  const now = options.now ?? (() => performance.now());
  let blockPasses = 0;
  return {
    blocks,
    windows: windows.length,
    seqLen: windows[0]?.length ?? 0,
    get blockPasses() {
      return blockPasses;
    },
    async evaluate(requests: readonly EvalRequest[], opts: EvaluateOptions = {}): Promise<EvalResult[]> {
      const results: EvalResult[] = [];
      for (const [i, req] of requests.entries()) {
        await yieldToEventLoop();
        opts.signal?.throwIfAborted();
        const t0 = now();
        const m = req.windows ?? windows.length;
        const pruned = pruneModel(inspected, req.drop);
        const bytes = await sessionBytes(pruned.files);
        const handle = await createSession(
          bytes.onnx,
          options.backend,
          bytes.externalData ? { externalData: bytes.externalData } : {},
        );
        let total = EMPTY_NLL;
        try {
          for (let w = 0; w < m; w += batch) {
            opts.signal?.throwIfAborted();
            const chunk = windows.slice(w, Math.min(m, w + batch));
            const { data, vocab } = await windowLogits(handle, chunk);
            total = addNll(total, nllFromLogits(data, chunk, vocab));
            blockPasses += blocks - req.drop.length;
          }
        } finally {
          await handle.session.release();
        }
        const { nll, ppl } = perplexity(total);
        const result: EvalResult = {
          patternKey: patternKey(req.drop),
          drop: [...req.drop].sort((a, b) => a - b),
          windows: m,
          tokens: total.count,
          nll,
          ppl,
          ms: now() - t0,
        };
        results.push(result);
        opts.onResult?.(result, i + 1, requests.length);
      }
      return results;
    },
  };
}
