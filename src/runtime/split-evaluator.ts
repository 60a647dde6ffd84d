import type * as OrtTypes from 'onnxruntime-web';
import type { InspectedModel } from '../core/onnx';
import {
  patternKey,
  type EvalRequest,
  type EvalResult,
  type EvaluateOptions,
  type Evaluator,
} from '../core/evaluate/evaluator';
import { addNll, EMPTY_NLL, perplexity, type NllSum } from '../core/evaluate/nll';
import { keptBlocks, planTrie, type TriePlan } from '../core/evaluate/trie-plan';
import type { Backend } from '../core/env/backend';
import { createSplitRunner, type FeedPool, type RunnerStats, type SplitRunner } from './split-runner';
import { yieldToEventLoop } from './yield';

export interface SplitEvaluatorOptions {
  /** Windows per forward pass (the batch axis of every sub-model run). */
  readonly chunk?: number;
  /** Share kept-block prefixes across the patterns of a batch (the trie); off = strategy (b). */
  readonly sharePrefixes?: boolean;
  readonly now?: () => number;
}

export interface SplitEvaluator extends Evaluator {
  readonly backend: Backend;
  readonly stats: Readonly<RunnerStats & { memoHits: number }>;
}

/**
 * The fast evaluator of DESIGN over a split runner: patterns of a batch run as a trie over kept
 * blocks (hidden states stay on the device while a child still needs them), windows in chunks,
 * staged budgets (the first m windows), and a memo so a pattern is never scored twice at the
 * same budget.
 */
export function createSplitEvaluator(
  runner: SplitRunner,
  windows: readonly (readonly number[])[],
  options: SplitEvaluatorOptions = {},
): SplitEvaluator {
  if (windows.length === 0) throw new RangeError('The calibration set is empty: give at least one window.');
  const seqLen = windows[0]!.length;
  if (seqLen < 2) throw new RangeError('Calibration windows need at least 2 tokens (one predicted token).');
  if (windows.some((w) => w.length !== seqLen))
    throw new RangeError('All calibration windows must have the same length.');
  const chunk = Math.max(1, options.chunk ?? 8);
  const share = options.sharePrefixes ?? true;
  const now = options.now ?? (() => performance.now());
  const L = runner.blocks;
  const memo = new Map<string, EvalResult>();
  let memoHits = 0;

  /** Runs one trie plan from `root` (the prologue's output, which the caller owns). */
  const execute = async (
    plan: TriePlan,
    pool: FeedPool,
    root: OrtTypes.Tensor,
    onScore: (requests: readonly number[], n: NllSum) => void,
    signal?: AbortSignal,
  ) => {
    const states = new Map<number, OrtTypes.Tensor>([[0, root]]);
    try {
      for (const step of plan.steps) {
        signal?.throwIfAborted();
        if (step.op === 'block') {
          states.set(step.to, await runner.block(step.block, pool, states.get(step.from)!));
          // Between blocks too: the page's heartbeat must be answered within a block's run.
          await yieldToEventLoop();
        } else if (step.op === 'score') {
          onScore(step.requests, await runner.score(pool, states.get(step.state)!));
          // Between candidates: let an abort (or any message) in.
          await yieldToEventLoop();
        } else if (step.state !== 0) {
          states.get(step.state)?.dispose();
          states.delete(step.state);
        }
      }
    } finally {
      for (const [id, t] of states) if (id !== 0) t.dispose();
    }
  };

  return {
    backend: runner.backend,
    blocks: L,
    windows: windows.length,
    seqLen,
    get stats() {
      return { ...runner.stats, memoHits };
    },
    async evaluate(requests: readonly EvalRequest[], opts: EvaluateOptions = {}): Promise<EvalResult[]> {
      const t0 = now();
      const keyOf = (r: EvalRequest) => `${patternKey(r.drop)}@${r.windows ?? windows.length}`;
      const todo = new Map<string, { drop: number[]; m: number }>();
      for (const r of requests) {
        const m = r.windows ?? windows.length;
        if (!(Number.isInteger(m) && m >= 1 && m <= windows.length)) {
          throw new RangeError(`windows must be in 1..${windows.length}, got ${m}`);
        }
        for (const b of r.drop)
          if (!(Number.isInteger(b) && b >= 0 && b < L)) throw new RangeError(`block ${b} is not in 0..${L - 1}`);
        const drop = [...new Set(r.drop)].sort((a, b) => a - b);
        if (drop.length >= L) throw new RangeError('A pattern must keep at least one block.');
        const key = keyOf(r);
        if (memo.has(key)) memoHits++;
        else todo.set(key, { drop, m });
      }
      const pending = [...todo.entries()];
      const sums = new Map<string, NllSum>(pending.map(([k]) => [k, EMPTY_NLL]));
      // Chunk edges every `chunk` windows and at every distinct budget, so all patterns active
      // in a chunk want all of its windows.
      const bounds = new Set<number>([0, windows.length]);
      for (let w = chunk; w < windows.length; w += chunk) bounds.add(w);
      for (const [, p] of pending) bounds.add(p.m);
      const edges = [...bounds].sort((a, b) => a - b);
      let done = 0;
      for (let e = 0; e + 1 < edges.length; e++) {
        const a = edges[e]!;
        const b = edges[e + 1]!;
        const active = pending.filter(([, p]) => p.m >= b);
        if (active.length === 0) continue;
        opts.signal?.throwIfAborted();
        const { pool, hidden: root } = await runner.begin(windows.slice(a, b));
        const keeps = active.map(([, p]) => keptBlocks(L, p.drop));
        const record = (reqs: readonly number[], n: NllSum, offset = 0) => {
          for (const r of reqs) {
            const key = active[r + offset]![0];
            sums.set(key, addNll(sums.get(key)!, n));
          }
        };
        try {
          if (share) {
            await execute(planTrie(keeps), pool, root, (reqs, n) => record(reqs, n), opts.signal);
          } else {
            for (const [i, keep] of keeps.entries()) {
              await execute(planTrie([keep]), pool, root, (reqs, n) => record(reqs, n, i), opts.signal);
            }
          }
        } finally {
          root.dispose();
          runner.end(pool);
        }
        // Patterns whose budget ends here are finished. Their `ms` is the wall time from the start
        // of the batch, since the patterns of one batch share work.
        for (const [key, p] of active) {
          if (p.m !== b) continue;
          const total = sums.get(key)!;
          const { nll, ppl } = perplexity(total);
          const result: EvalResult = {
            patternKey: patternKey(p.drop),
            drop: p.drop,
            windows: p.m,
            tokens: total.count,
            nll,
            ppl,
            ms: now() - t0,
          };
          memo.set(key, result);
          done++;
          opts.onResult?.(result, done, pending.length);
        }
      }
      return requests.map((r) => memo.get(keyOf(r))!);
    },
  };
}

/** Convenience for one-off use (CLI, tests): a runner and an evaluator over it. */
export async function openSplitEvaluator(
  inspected: InspectedModel,
  windows: readonly (readonly number[])[],
  backend: Backend,
  options: SplitEvaluatorOptions = {},
): Promise<{ runner: SplitRunner; evaluator: SplitEvaluator }> {
  const runner = await createSplitRunner(inspected, backend);
  return { runner, evaluator: createSplitEvaluator(runner, windows, options) };
}
