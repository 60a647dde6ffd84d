import { describe, expect, it } from 'vitest';
import { enumeratePatterns } from './brute-force';
import { resumeEpps, searchEpps, type EppsRun, type SearchState } from './epps';
import type { EppsParams } from './epps-params';
import { findPatternProblem } from './pattern';
import type { GenerationEvent, SearchResult } from './result';
import { searchSleb } from './sleb';
import { createSyntheticEvaluator } from './test-support/synthetic-evaluator';

async function collect(run: EppsRun): Promise<{ events: GenerationEvent[]; result: SearchResult }> {
  const events: GenerationEvent[] = [];
  for (;;) {
    const next = await run.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

/** A clock that ticks once per reading: deterministic, yet elapsed times are not all zero. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 7);
}

const SMALL: EppsParams = { k: 4, generations: 12 };

describe('EPPS replay and resume', () => {
  it('replays a run exactly from the same seed and settings', async () => {
    const a = await collect(searchEpps(createSyntheticEvaluator(), SMALL, { seed: 42, now: tickingClock() }));
    const b = await collect(searchEpps(createSyntheticEvaluator(), SMALL, { seed: 42, now: tickingClock() }));
    const c = await collect(searchEpps(createSyntheticEvaluator(), SMALL, { seed: 43, now: tickingClock() }));
    expect(a.events.length).toBe(13);
    expect(b).toEqual(a);
    expect(c.events).not.toEqual(a.events);
  });

  it('resumes from a saved JSON state exactly as the uninterrupted run continues', async () => {
    const params: EppsParams = { k: 4, generations: 15, stagnationLimit: 100 };
    const now = () => 0;
    const whole = await collect(searchEpps(createSyntheticEvaluator(), params, { seed: 7, now }));

    const first = searchEpps(createSyntheticEvaluator(), params, { seed: 7, now });
    const head: GenerationEvent[] = [];
    for await (const event of first) {
      head.push(event);
      if (event.generation === 5) break; // pause: stop pulling
    }
    const saved = JSON.parse(JSON.stringify(first.saveState())) as SearchState;
    expect(saved.generation).toBe(5);

    const evaluator = createSyntheticEvaluator();
    const rest = await collect(resumeEpps(evaluator, saved, { now }));
    expect([...head, ...rest.events]).toEqual(whole.events);
    expect(rest.result).toEqual(whole.result);
    // The memo came back with the state: nothing scored before the pause is scored again.
    const before = new Set(saved.ledger.memo.map((m) => `${m.key}@${m.windows}`));
    for (const r of evaluator.requests) expect(before.has(`${r.key}@${r.windows}`)).toBe(false);
  });

  it('refuses a state saved against another model shape, and saving before the first pull', async () => {
    const run = searchEpps(createSyntheticEvaluator(), SMALL, { seed: 1 });
    expect(() => run.saveState()).toThrow(/pull the first generation/);
    await run.next();
    const state = run.saveState();
    expect(() => resumeEpps(createSyntheticEvaluator({ blocks: 12 }), state)).toThrow(
      /16 blocks and 32 calibration windows.*12 and 32/,
    );
  });
});

describe('EPPS bookkeeping', () => {
  it('never evaluates the same pattern twice at the same window budget, and batches per stage', async () => {
    const evaluator = createSyntheticEvaluator();
    const { events, result } = await collect(
      searchEpps(evaluator, { k: 4, generations: 40, stagnationLimit: 100 }, { seed: 3 }),
    );
    const seen = new Set<string>();
    for (const r of evaluator.requests) {
      const id = `${r.key}@${r.windows}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      expect(findPatternProblem(r.key.split(',').map(Number), 16, 4)).toBeNull();
    }
    // One call for the first population, then at most one screen and one re-score per generation.
    expect(evaluator.calls).toBeLessThanOrEqual(1 + 2 * (events.length - 1));
    expect(result.stopReason).toBe('generations');
  });

  it('counts a staged evaluation on m of n windows as m / n, by the evaluator’s own log', async () => {
    const evaluator = createSyntheticEvaluator({ blocks: 8, windows: 8, seqLen: 17 });
    const params: EppsParams = {
      k: 2,
      population: 4,
      offspring: 6,
      promote: 2,
      stageWindows: 2,
      generations: 1,
    };
    const { events, result } = await collect(searchEpps(evaluator, params, { seed: 5 }));
    // 4 full evaluations, then 6 screens at 2/8 and 2 full re-scores: 4 + 1.5 + 2.
    expect(events.map((e) => e.evaluations)).toEqual([4, 7.5]);
    expect(result.evaluations).toBe(7.5);
    const partial = evaluator.requests.filter((r) => r.windows === 2).length;
    const full = evaluator.requests.filter((r) => r.windows === 8).length;
    expect([partial, full]).toEqual([6, 6]);
    expect(result.tokensEvaluated).toBe((partial * 2 + full * 8) * 16);
  });

  it('stays inside the evaluation budget and says that is why it stopped', async () => {
    const { result } = await collect(
      searchEpps(createSyntheticEvaluator(), { k: 4, evaluationBudget: 37.5, stagnationLimit: 100 }, { seed: 2 }),
    );
    expect(result.evaluations).toBeLessThanOrEqual(37.5);
    expect(result.evaluations).toBeGreaterThan(37.5 - 8);
    expect(result.stopReason).toBe('budget');
  });

  it('stops on stagnation', async () => {
    const { events, result } = await collect(
      searchEpps(
        createSyntheticEvaluator(),
        { k: 4, generations: 500, stagnationLimit: 3, evaluationBudget: Infinity },
        { seed: 2 },
      ),
    );
    expect(result.stopReason).toBe('stagnation');
    const last = events.length - 1;
    expect(events[last]!.best).toEqual(events[last - 3]!.best);
  });

  it('reports population statistics that agree with each other', async () => {
    const { events } = await collect(searchEpps(createSyntheticEvaluator(), SMALL, { seed: 8, now: tickingClock() }));
    let previous = Infinity;
    for (const e of events) {
      expect(e.keepFrequency).toHaveLength(16);
      const removedShare = e.keepFrequency.reduce((s, f) => s + (1 - f), 0);
      expect(removedShare).toBeCloseTo(4, 9);
      expect(e.diversity).toBeGreaterThanOrEqual(0);
      expect(e.diversity).toBeLessThanOrEqual(1);
      expect(e.best.ppl).toBeLessThanOrEqual(e.mean);
      expect(e.mean).toBeLessThanOrEqual(e.worst);
      expect(e.best.ppl).toBeLessThanOrEqual(previous);
      previous = e.best.ppl;
    }
    expect(events[0]!.diversity).toBeGreaterThan(events.at(-1)!.diversity);
    expect(events.at(-1)!.elapsedMs).toBeGreaterThan(events[0]!.elapsedMs);
  });

  it('puts the given seed patterns in the first population and validates them', async () => {
    const run = searchEpps(
      createSyntheticEvaluator(),
      {
        k: 4,
        seeds: [
          [9, 1, 5, 8],
          [1, 5, 8, 9],
        ],
      },
      { seed: 1 },
    );
    const first = await run.next();
    expect(first.done).toBe(false);
    expect(run.saveState().population.map((p) => p.drop.join())).toContain('1,5,8,9');
    expect(() => searchEpps(createSyntheticEvaluator(), { k: 4, seeds: [[1, 2, 3]] })).toThrow(/exactly 4/);
  });

  it('ends a run over a tiny space with the optimum, and its state stays plain JSON', async () => {
    const evaluator = createSyntheticEvaluator({ blocks: 5, windows: 8 });
    const run = searchEpps(evaluator, { k: 2, population: 4, evaluationBudget: Infinity }, { seed: 3 });
    const { result } = await collect(run);
    let best = { key: '', nll: Infinity };
    for (const p of enumeratePatterns(5, 2))
      if (evaluator.nllOf(p) < best.nll) best = { key: p.join(), nll: evaluator.nllOf(p) };
    expect(result.drop.join()).toBe(best.key);
    expect(result.stopReason).toBe('exhausted');
    const state = run.saveState();
    expect(state.params.evaluationBudget).toBeNull();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const run = searchEpps(createSyntheticEvaluator(), SMALL, { seed: 1, signal: controller.signal });
    await run.next();
    controller.abort();
    await expect(run.next()).rejects.toThrow(/abort/i);
  });
});

describe('EPPS on a rugged synthetic landscape (L = 16, k = 4)', () => {
  // Strong pairwise interactions: the greedy answer is not the optimum (checked below).
  const landscape = { landscape: 6, interaction: 0.6 };

  it('finds the brute-force optimum in at least 9 of 10 seeds with at most 1820 / 4 evaluations', async () => {
    const truth = createSyntheticEvaluator(landscape);
    let optimum = { key: '', nll: Infinity };
    for (const p of enumeratePatterns(16, 4)) {
      const nll = truth.nllOf(p);
      if (nll < optimum.nll) optimum = { key: p.join(), nll };
    }
    let greedy: SearchResult | undefined;
    const sleb = searchSleb(createSyntheticEvaluator(landscape), { k: 4 });
    for (;;) {
      const next = await sleb.next();
      if (next.done) {
        greedy = next.value;
        break;
      }
    }
    expect(greedy.drop.join()).not.toBe(optimum.key);

    let hits = 0;
    for (let seed = 0; seed < 10; seed++) {
      const { result } = await collect(searchEpps(createSyntheticEvaluator(landscape), { k: 4 }, { seed }));
      expect(result.evaluations).toBeLessThanOrEqual(1820 / 4);
      expect(result.ppl).toBeLessThanOrEqual(greedy.ppl);
      if (result.drop.join() === optimum.key) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(9);
  });
});
