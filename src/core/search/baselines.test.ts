import { describe, expect, it } from 'vitest';
import { patternKey, type EvalRequest, type EvalResult, type Evaluator } from '../evaluate/evaluator';
import { checkBruteForce, enumeratePatterns } from './brute-force';
import { runSearch, streamSearch } from './index';
import { pickLastK } from './last-k';
import { countPatterns, findPatternProblem } from './pattern';
import { drawDistinctPatterns } from './random-search';
import type { SearchEvent } from './result';
import { computeBlockInfluence, createBlockInfluenceAccumulator, pickLowestInfluence } from './shortgpt';
import { createSyntheticEvaluator } from './test-support/synthetic-evaluator';

/** NLL = sum of per-block costs plus named pair terms: small enough to check by hand. */
function createTableEvaluator(
  costs: number[],
  pairs: Record<string, number> = {},
  windows = 4,
): Evaluator & { log: EvalRequest[][] } {
  const log: EvalRequest[][] = [];
  return {
    blocks: costs.length,
    windows,
    seqLen: 5,
    log,
    async evaluate(batch): Promise<EvalResult[]> {
      log.push([...batch]);
      return batch.map((r) => {
        const key = patternKey(r.drop);
        let nll = 1;
        for (const b of r.drop) nll += costs[b]!;
        for (const [pair, v] of Object.entries(pairs))
          if (pair.split(',').every((b) => r.drop.includes(Number(b)))) nll += v;
        const w = r.windows ?? windows;
        return {
          patternKey: key,
          drop: [...r.drop],
          windows: w,
          tokens: w * 4,
          nll,
          ppl: Math.exp(nll),
          ms: 0,
        };
      });
    },
  };
}

describe('SLEB', () => {
  it('removes, step by step, the block whose removal raises perplexity least — even when that is a trap', async () => {
    // Alone, blocks 0 and 3 are the worst to remove; together they cost less than anything else.
    const evaluator = createTableEvaluator([0.5, 0.1, 0.2, 0.9], { '0,3': -1.3 });
    const events: SearchEvent[] = [];
    const sleb = await runSearch('sleb', evaluator, { k: 2 }, { onEvent: (e) => void events.push(e) });
    // Step 1: {1} costs 0.1, the least. Step 2: {1,2} 0.3 < {0,1} 0.6 < {1,3} 1.0.
    expect(sleb.drop).toEqual([1, 2]);
    expect(sleb.ppl).toBeCloseTo(Math.exp(1.3), 12);
    expect(sleb.history.map((h) => h.drop)).toEqual([[1], [1, 2]]);
    expect(sleb.evaluations).toBe(4 + 3);
    expect(evaluator.log.map((b) => b.length)).toEqual([4, 3]);
    expect(events.map((e) => e.type === 'step' && e.step)).toEqual([1, 2]);

    const brute = await runSearch('brute', createTableEvaluator([0.5, 0.1, 0.2, 0.9], { '0,3': -1.3 }), {
      k: 2,
    });
    expect(brute.drop).toEqual([0, 3]);
    expect(brute.ppl).toBeCloseTo(Math.exp(1.1), 12);
  });

  it('can screen on a subset of windows and still reports full-set perplexity', async () => {
    const evaluator = createTableEvaluator([0.5, 0.1, 0.2, 0.9], {}, 8);
    const sleb = await runSearch('sleb', evaluator, { k: 2, windows: 2 });
    expect(sleb.drop).toEqual([1, 2]);
    // 4 + 3 screens at 2/8, plus the two picks on the full set.
    expect(sleb.evaluations).toBe((7 * 2) / 8 + 2);
  });
});

describe('last-k', () => {
  it('removes the final k blocks, or the k before the spared final ones', async () => {
    expect(pickLastK(6, 2)).toEqual([4, 5]);
    expect(pickLastK(6, 2, 1)).toEqual([3, 4]);
    expect(() => pickLastK(6, 4, 3)).toThrow(/keeping the final 3/);
    const r = await runSearch('last', createTableEvaluator([0, 0, 0.25, 0.5]), { k: 2 });
    expect(r).toMatchObject({ method: 'last', drop: [2, 3], evaluations: 1, tokensEvaluated: 16 });
    expect(r.ppl).toBeCloseTo(Math.exp(1.75), 12);
  });
});

describe('ShortGPT Block Influence', () => {
  const row = (...v: number[]) => Float32Array.from(v);

  it('is 1 - mean cosine of block input and output, and the lowest-BI blocks go', async () => {
    const acc = createBlockInfluenceAccumulator(4, 2);
    acc.add(0, row(1, 0, 0, 2), row(3, 0, 0, 1)); // same direction: cos 1, 1
    acc.add(1, row(1, 0), row(0, 1)); // orthogonal: cos 0
    acc.add(2, row(1, 0, 0, 1), row(1, 1, 0, 1)); // cos 1/sqrt 2, then 1
    acc.add(3, row(1, 0), row(-2, 0)); // opposite: cos -1
    const scores = acc.scores();
    expect(scores[0]).toBeCloseTo(0, 6);
    expect(scores[1]).toBeCloseTo(1, 6);
    expect(scores[2]).toBeCloseTo(1 - (Math.SQRT1_2 + 1) / 2, 6);
    expect(scores[3]).toBeCloseTo(2, 6);
    expect(acc.tokens()).toEqual([2, 1, 2, 1]);
    expect(pickLowestInfluence(scores, 2)).toEqual([0, 2]);

    const angular = createBlockInfluenceAccumulator(1, 2, 'angular');
    angular.add(0, row(1, 0), row(0, 1));
    expect(angular.scores()[0]).toBeCloseTo(0.5, 9);
  });

  it('gives the same scores streamed window by window as computed at once', () => {
    const windows = [0, 1, 2].map((w) => ({
      hidden: 3,
      blockInputs: [0, 1].map((b) => Float32Array.from({ length: 12 }, (_, i) => Math.sin(w * 31 + b * 7 + i))),
      blockOutputs: [0, 1].map((b) => Float32Array.from({ length: 12 }, (_, i) => Math.cos(w * 13 + b * 5 + i))),
    }));
    const acc = createBlockInfluenceAccumulator(2, 3);
    for (const w of windows) for (const b of [1, 0]) acc.add(b, w.blockInputs[b]!, w.blockOutputs[b]!);
    const once = computeBlockInfluence(windows);
    acc.scores().forEach((s, i) => expect(s).toBeCloseTo(once[i]!, 12));
  });

  it('breaks ties towards the lower block, refuses bad input, and reports scores and ppl', async () => {
    expect(pickLowestInfluence([0.2, 0.1, 0.1, 0.1], 2)).toEqual([1, 2]);
    expect(() => createBlockInfluenceAccumulator(2, 2).add(0, row(1, 0, 0), row(1, 0, 0))).toThrow(/tokens x 2/);
    expect(() => pickLowestInfluence([0.1, NaN, 0.3], 1)).toThrow(/block 1 has no Block Influence/);
    const evaluator = createTableEvaluator([0.1, 0.2, 0.3, 0.4]);
    await expect(runSearch('shortgpt', evaluator, { k: 2 })).rejects.toThrow(/one dense pass/);
    const r = await runSearch('shortgpt', evaluator, { k: 2, influence: [0.3, 0.05, 0.2, 0.01] });
    expect(r).toMatchObject({
      method: 'shortgpt',
      drop: [1, 3],
      scores: [0.3, 0.05, 0.2, 0.01],
      evaluations: 1,
    });
    expect(r.ppl).toBeCloseTo(Math.exp(1.6), 12);
  });
});

describe('brute force', () => {
  it('returns the true minimum over all C(L, k) patterns, scored once each', async () => {
    const evaluator = createSyntheticEvaluator({ blocks: 12, interaction: 0.6, landscape: 3 });
    let min = { key: '', nll: Infinity };
    for (let a = 0; a < 12; a++)
      for (let b = a + 1; b < 12; b++)
        for (let c = b + 1; c < 12; c++) {
          const nll = evaluator.nllOf([a, b, c]);
          if (nll < min.nll) min = { key: `${a},${b},${c}`, nll };
        }
    const r = await runSearch('brute', evaluator, { k: 3, batchSize: 50 });
    expect(r.drop.join()).toBe(min.key);
    expect(Math.log(r.ppl)).toBeCloseTo(min.nll, 12);
    expect(r.evaluations).toBe(220);
    expect(new Set(evaluator.requests.map((q) => q.key)).size).toBe(220);
    expect(evaluator.calls).toBe(5);
  });

  it('enumerates every k-subset once, in lexicographic order', () => {
    const all = [...enumeratePatterns(7, 3)].map((p) => p.join());
    expect(all).toHaveLength(35);
    expect(new Set(all).size).toBe(35);
    expect(all[0]).toBe('0,1,2');
    expect(all.at(-1)).toBe('4,5,6');
  });

  it('refuses a space above the limit with the count and the limit, before evaluating anything', async () => {
    const evaluator = createSyntheticEvaluator({ blocks: 32 });
    await expect(runSearch('brute', evaluator, { k: 8 })).rejects.toThrow(
      'brute force would evaluate C(32, 8) = 10,518,300 patterns, more than the limit of 5,000; ' +
        'raise the limit or use the evolutionary search (--method evo)',
    );
    expect(evaluator.calls).toBe(0);
    expect(() => checkBruteForce(16, 4, 1000)).toThrow(/C\(16, 4\) = 1,820 patterns, more than the limit of 1,000/);
    expect(checkBruteForce(16, 4)).toBe(1820);
  });
});

describe('random search', () => {
  it('spends the budget on distinct valid patterns and returns the best of them', async () => {
    const evaluator = createSyntheticEvaluator();
    const r = await runSearch('random', evaluator, { k: 4, evaluationBudget: 100 }, { seed: 4 });
    expect(r.evaluations).toBe(100);
    const keys = evaluator.requests.map((q) => q.key);
    expect(new Set(keys).size).toBe(100);
    for (const k of keys) expect(findPatternProblem(k.split(',').map(Number), 16, 4)).toBeNull();
    const best = Math.min(...keys.map((k) => Math.exp(evaluator.nllOf(k.split(',').map(Number)))));
    expect(r.ppl).toBe(best);
    const again = await runSearch('random', createSyntheticEvaluator(), { k: 4, evaluationBudget: 100 }, { seed: 4 });
    expect(again.drop).toEqual(r.drop);
  });

  it('draws the whole space when the budget covers it', () => {
    const all = drawDistinctPatterns(1, 8, 2, 1000);
    expect(all).toHaveLength(countPatterns(8, 2));
    expect(new Set(all.map((p) => p.join())).size).toBe(28);
  });
});

describe('runSearch', () => {
  it('streams every method through the same door and names an unknown one', async () => {
    const stream = streamSearch('evo', createSyntheticEvaluator(), { k: 4, generations: 2 }, { seed: 1 });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['generation', 'generation', 'generation']);
    expect(() => streamSearch('nope' as 'evo', createSyntheticEvaluator(), { k: 4 })).toThrow(
      /unknown search method "nope"/,
    );
  });

  it('waits for an awaited onEvent before going on (how a controller pauses)', async () => {
    const order: string[] = [];
    await runSearch(
      'sleb',
      createTableEvaluator([0.1, 0.2, 0.3]),
      { k: 2 },
      {
        onEvent: async (e) => {
          order.push(`event ${e.type === 'step' ? e.step : ''}`);
          await new Promise((r) => setTimeout(r, 5));
          order.push('resumed');
        },
      },
    );
    expect(order).toEqual(['event 1', 'resumed', 'event 2', 'resumed']);
  });
});
