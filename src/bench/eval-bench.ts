/**
 * The evaluation benchmark itself, runtime-agnostic so Node and the browser page run the same
 * code on the same batch: (a) a pruned file and a fresh session per pattern, (b) the split
 * evaluator without prefix sharing, (c) with the trie. Only this file decides what is timed.
 */
import type { Backend } from '../core/env/backend';
import type { EvalResult } from '../core/evaluate/evaluator';
import { keptBlocks, planTrie } from '../core/evaluate/trie-plan';
import type { InspectedModel } from '../core/onnx';
import { createSplitEvaluator } from '../runtime/split-evaluator';
import { createSplitRunner } from '../runtime/split-runner';
import { createWholeModelEvaluator } from '../runtime/whole-evaluator';

export type StrategyId = 'a' | 'b' | 'c';

export interface StrategyResult {
  readonly id: StrategyId;
  readonly label: string;
  /** Wall time of evaluating the batch. (a) includes its per-pattern pruning and sessions: that is its cost. */
  readonly ms: number;
  readonly blockPasses: number;
  readonly ppl: readonly number[];
}

export interface EvalBenchResult {
  readonly backend: Backend;
  readonly blocks: number;
  readonly patterns: number;
  readonly windows: number;
  readonly seqLen: number;
  /** Creating the split runner's sessions, once per model (amortised over a whole search, so outside (b)/(c)). */
  readonly splitSetupMs: number;
  readonly strategies: readonly StrategyResult[];
  /** Largest relative perplexity difference of (b) and (c) against (a), the reference. */
  readonly maxRelDiff: { readonly b: number; readonly c: number };
  /** The trie's own count for this batch, which (c) must match. */
  readonly plannedBlockPasses: { readonly shared: number; readonly unshared: number };
}

export const STRATEGY_LABELS: Readonly<Record<StrategyId, string>> = {
  a: '(a) pruned file + session per pattern',
  b: '(b) split, no prefix sharing',
  c: '(c) split + trie',
};

const maxRel = (xs: readonly EvalResult[], ref: readonly EvalResult[]) =>
  Math.max(...xs.map((r, i) => Math.abs(r.ppl - ref[i]!.ppl) / ref[i]!.ppl));

export async function runEvalBench(
  inspected: InspectedModel,
  windows: readonly (readonly number[])[],
  patterns: readonly (readonly number[])[],
  backend: Backend,
  log: (line: string) => void = () => {},
): Promise<EvalBenchResult> {
  const requests = patterns.map((drop) => ({ drop }));
  const chunk = windows.length;
  const t0 = performance.now();
  const runner = await createSplitRunner(inspected, backend);
  const splitSetupMs = performance.now() - t0;
  try {
    // Warm the sessions (first runs allocate arenas) on a pattern outside the batch, so neither
    // split strategy pays the warm-up for the other.
    await createSplitEvaluator(runner, windows, { chunk }).evaluate([{ drop: [] }]);

    log(`${STRATEGY_LABELS.a} ...`);
    const whole = createWholeModelEvaluator(inspected, windows, { backend, batch: chunk });
    let t = performance.now();
    const a = await whole.evaluate(requests);
    const msA = performance.now() - t;

    const timed = async (share: boolean) => {
      const evaluator = createSplitEvaluator(runner, windows, { chunk, sharePrefixes: share });
      const passes0 = runner.stats.blockPasses;
      t = performance.now();
      const results = await evaluator.evaluate(requests);
      return { results, ms: performance.now() - t, blockPasses: runner.stats.blockPasses - passes0 };
    };
    log(`${STRATEGY_LABELS.b} ...`);
    const b = await timed(false);
    log(`${STRATEGY_LABELS.c} ...`);
    const c = await timed(true);

    const plan = planTrie(patterns.map((p) => keptBlocks(runner.blocks, p)));
    const row = (id: StrategyId, ms: number, blockPasses: number, rs: readonly EvalResult[]): StrategyResult => ({
      id,
      label: STRATEGY_LABELS[id],
      ms,
      blockPasses,
      ppl: rs.map((r) => r.ppl),
    });
    return {
      backend,
      blocks: runner.blocks,
      patterns: patterns.length,
      windows: windows.length,
      seqLen: windows[0]?.length ?? 0,
      splitSetupMs,
      strategies: [
        row('a', msA, whole.blockPasses, a),
        row('b', b.ms, b.blockPasses, b.results),
        row('c', c.ms, c.blockPasses, c.results),
      ],
      maxRelDiff: { b: maxRel(b.results, a), c: maxRel(c.results, a) },
      plannedBlockPasses: { shared: plan.blockPasses, unshared: plan.unsharedBlockPasses },
    };
  } finally {
    await runner.release();
  }
}
