import { describe, expect, it } from 'vitest';
import { resumeSearch, streamSearch, type SavedSearch, type SearchParamsByMethod, type SearchStream } from './index';
import type { BatchScanProgress } from './batch-scan';
import { searchRandom } from './random-search';
import { SearchError, type HistoryEntry, type SearchEvent, type SearchMethod, type SearchResult } from './result';
import { createSyntheticEvaluator, type SyntheticOptions } from './test-support/synthetic-evaluator';

async function collect(stream: SearchStream): Promise<{ events: SearchEvent[]; result: SearchResult }> {
  const events: SearchEvent[] = [];
  for (;;) {
    const next = await stream.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

const id = (r: { key: string; windows: number }) => `${r.key}@${r.windows}`;

/** A clock that ticks once per reading, so elapsed times are not all zero. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 5);
}

/** Results and events with their timings blanked: a resumed run's clock legitimately differs. */
function withoutTimes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'ms' || key === 'elapsedMs' ? 0 : v)));
}

interface Case<M extends SearchMethod> {
  readonly name: string;
  readonly method: M;
  readonly params: SearchParamsByMethod[M];
  readonly shape?: SyntheticOptions;
  readonly events: number;
  readonly stopReason: string;
}

const cases: Case<'random' | 'brute' | 'sleb'>[] = [
  // 100 patterns in batches of 16: 7 steps, the last one short.
  {
    name: 'random search',
    method: 'random',
    params: { k: 4, evaluationBudget: 100, batchSize: 16 },
    events: 7,
    stopReason: 'budget',
  },
  // The budget covers all C(8, 2) = 28 patterns: the shuffled-space branch of the draw.
  {
    name: 'random search over its whole space',
    method: 'random',
    params: { k: 2, evaluationBudget: 1000, batchSize: 5 },
    shape: { blocks: 8, windows: 8 },
    events: 6,
    stopReason: 'exhausted',
  },
  // C(12, 3) = 220 patterns in batches of 32: 7 steps.
  {
    name: 'brute force',
    method: 'brute',
    params: { k: 3, batchSize: 32 },
    shape: { blocks: 12, interaction: 0.6 },
    events: 7,
    stopReason: 'done',
  },
  { name: 'SLEB', method: 'sleb', params: { k: 5 }, events: 5, stopReason: 'done' },
  {
    name: 'SLEB screening on a window subset',
    method: 'sleb',
    params: { k: 4, windows: 6 },
    events: 4,
    stopReason: 'done',
  },
];

describe.each(cases)('$name: save and resume', ({ method, params, shape, events: total, stopReason }) => {
  const seed = 11;
  const now = () => 0;

  async function uninterrupted() {
    const evaluator = createSyntheticEvaluator(shape);
    return { evaluator, ...(await collect(streamSearch(method, evaluator, params, { seed, now }))) };
  }

  it('runs as many steps as planned (the fixture is what the other tests assume)', async () => {
    const whole = await uninterrupted();
    expect(whole.events).toHaveLength(total);
    expect(whole.result.stopReason).toBe(stopReason);
    expect(whole.result.history).toHaveLength(total);
  });

  // 0: before the first pull; 1: after the first; a middle one; all events but before the end.
  it.each([0, 1, Math.floor(total / 2), total - 1, total])(
    'stopped after %i events, JSON round-tripped and resumed on a fresh evaluator, ends exactly like an uninterrupted run',
    async (n) => {
      const whole = await uninterrupted();

      const before = createSyntheticEvaluator(shape);
      const first = streamSearch(method, before, params, { seed, now });
      const head: SearchEvent[] = [];
      for (let i = 0; i < n; i++) {
        const next = await first.next();
        expect(next.done).toBe(false);
        head.push(next.value as SearchEvent);
      }
      const state = first.saveState();
      const saved = JSON.parse(JSON.stringify(state)) as SavedSearch;
      expect(saved).toEqual(state); // plain JSON: nothing lost in the round trip
      expect(saved.format).toBe(`evop-${method}-state/1`);

      const after = createSyntheticEvaluator(shape);
      // Another seed in the context must not matter: the state carries its own.
      const rest = await collect(resumeSearch(after, saved, { seed: seed + 1, now }));
      expect([...head, ...rest.events]).toEqual(whole.events);
      expect(rest.result).toEqual(whole.result);

      // Nothing scored before the stop is scored again, and together the two halves asked for
      // exactly what the uninterrupted run asked for.
      const memo = new Set(saved.ledger.memo.map(id));
      expect(new Set(before.requests.map(id))).toEqual(memo);
      for (const r of after.requests) expect(memo.has(id(r))).toBe(false);
      const both = [...before.requests, ...after.requests].map(id);
      expect(new Set(both).size).toBe(both.length);
      expect(new Set(both)).toEqual(new Set(whole.evaluator.requests.map(id)));
    },
  );

  it('saves a finished run too; resuming it returns the result without evaluating anything', async () => {
    const evaluator = createSyntheticEvaluator(shape);
    const stream = streamSearch(method, evaluator, params, { seed, now });
    const { result } = await collect(stream);
    const saved = JSON.parse(JSON.stringify(stream.saveState())) as SavedSearch;
    expect(saved.stopReason).toBe(stopReason);
    const again = createSyntheticEvaluator(shape);
    const rest = await collect(resumeSearch(again, saved, { now }));
    expect(rest.events).toEqual([]);
    expect(rest.result).toEqual(result);
    expect(again.calls).toBe(0);
  });

  it('continues the elapsed time and the evaluation counts across a resume (real-looking clock)', async () => {
    const whole = await collect(
      streamSearch(method, createSyntheticEvaluator(shape), params, { seed, now: tickingClock() }),
    );
    const first = streamSearch(method, createSyntheticEvaluator(shape), params, { seed, now: tickingClock() });
    const m = Math.floor(total / 2);
    for (let i = 0; i < m; i++) await first.next();
    const saved = JSON.parse(JSON.stringify(first.saveState())) as SavedSearch;
    const rest = await collect(resumeSearch(createSyntheticEvaluator(shape), saved, { now: tickingClock() }));
    expect(withoutTimes(rest.result)).toEqual(withoutTimes(whole.result));
    const times = rest.result.history.map((h: HistoryEntry) => h.elapsedMs);
    expect(times.slice(0, m)).toEqual(saved.history.map((h) => h.elapsedMs));
    for (const t of times.slice(m)) expect(t).toBeGreaterThan(saved.elapsedMs);
    expect(rest.result.ms).toBeGreaterThan(saved.elapsedMs);
    expect(rest.result.evaluations).toBe(whole.result.evaluations);
  });

  it('refuses a state saved against another block count or window count, naming both', async () => {
    const stream = streamSearch(method, createSyntheticEvaluator(shape), params, { seed });
    await stream.next();
    const saved = stream.saveState();
    const blocks = shape?.blocks ?? 16;
    const windows = shape?.windows ?? 32;
    const refuse = (other: SyntheticOptions, pattern: RegExp) => {
      try {
        resumeSearch(createSyntheticEvaluator({ ...shape, ...other }), saved);
        expect.unreachable('the resume should have been refused');
      } catch (e) {
        expect(e).toBeInstanceOf(SearchError);
        expect((e as SearchError).code).toBe('bad-state');
        expect((e as Error).message).toMatch(pattern);
        expect((e as Error).message).toMatch(/load the same model and calibration set to resume/);
      }
    };
    refuse(
      { blocks: blocks - 2 },
      new RegExp(`run on ${blocks} blocks and ${windows} calibration windows, .* have ${blocks - 2} and ${windows};`),
    );
    refuse(
      { windows: windows * 2 },
      new RegExp(`run on ${blocks} blocks and ${windows} calibration windows, .* have ${blocks} and ${windows * 2};`),
    );
  });
});

describe('resumeSearch', () => {
  it('continues an EPPS run saved through the same door', async () => {
    const params = { k: 4, generations: 6, stagnationLimit: 100 };
    const now = () => 0;
    const whole = await collect(streamSearch('evo', createSyntheticEvaluator(), params, { seed: 3, now }));
    const first = streamSearch('evo', createSyntheticEvaluator(), params, { seed: 3, now });
    expect(() => first.saveState()).toThrow(/pull the first generation/);
    const head = [(await first.next()).value, (await first.next()).value] as SearchEvent[];
    const saved = JSON.parse(JSON.stringify(first.saveState())) as SavedSearch;
    expect(saved.format).toBe('evop-epps-state/1');
    const rest = await collect(resumeSearch(createSyntheticEvaluator(), saved, { now }));
    expect([...head, ...rest.events]).toEqual(whole.events);
    expect(rest.result).toEqual(whole.result);
  });

  it('says the one-shot methods have nothing to save', async () => {
    const last = streamSearch('last', createSyntheticEvaluator(), { k: 2 });
    expect(() => last.saveState()).toThrow(/nothing to save: last-k runs in one shot/);
    await collect(last);
    expect(() => last.saveState()).toThrow(SearchError);
    const shortgpt = streamSearch('shortgpt', createSyntheticEvaluator(), { k: 2, influence: new Array(16).fill(0.5) });
    expect(() => shortgpt.saveState()).toThrow(/nothing to save: ShortGPT runs in one shot/);
  });

  it('refuses an unknown format, and a state that does not match its own settings', async () => {
    const evaluator = createSyntheticEvaluator();
    expect(() => resumeSearch(evaluator, { format: 'evop-cma-state/9' } as unknown as SavedSearch)).toThrow(
      /not a saved search \(format "evop-cma-state\/9"\); expected one of evop-epps-state\/1, /,
    );
    expect(() => resumeSearch(evaluator, null as unknown as SavedSearch)).toThrow(/not a saved search/);

    const run = searchRandom(createSyntheticEvaluator(), { k: 4, evaluationBudget: 64, batchSize: 16 }, { seed: 9 });
    await run.next();
    await run.next();
    const state = run.saveState();
    expect(state.position).toBe(32);
    // Another seed draws other patterns: the ones before the position were never scored.
    expect(() => resumeSearch(evaluator, { ...state, seed: 10 })).toThrow(
      /saved random search does not match its own settings: pattern \[[\d,]+\] comes before the saved position/,
    );
    const damaged = (change: Partial<BatchScanProgress>) => () => resumeSearch(evaluator, { ...state, ...change });
    expect(damaged({ position: 65 })).toThrow(/damaged: the position is 65, expected 0 to 64/);
    expect(damaged({ position: 20 })).toThrow(/damaged: position 20 is not at a batch boundary \(16\)/);
    expect(damaged({ history: state.history.slice(1) })).toThrow(/damaged: 1 history entries for 2 batches/);
    expect(() => resumeSearch(evaluator, { ...state, params: { ...state.params, k: 16 } })).toThrow(/between 1 and 15/);
    expect(evaluator.calls).toBe(0);
  });

  it('refuses a damaged SLEB state', async () => {
    const run = streamSearch('sleb', createSyntheticEvaluator(), { k: 3 });
    await run.next();
    const state = run.saveState();
    if (state.format !== 'evop-sleb-state/1') throw new Error('expected a SLEB state');
    expect(state.step).toBe(1);
    expect(() => resumeSearch(createSyntheticEvaluator(), { ...state, drop: [] })).toThrow(
      /saved SLEB search is damaged: after 1 steps it holds 0 removed blocks/,
    );
    expect(() => resumeSearch(createSyntheticEvaluator(), { ...state, step: 4 })).toThrow(
      /damaged: the step is 4, expected 0 to 3/,
    );
  });
});

describe('the direct functions', () => {
  it('check their settings when called, before the first pull', () => {
    const evaluator = createSyntheticEvaluator();
    expect(() => streamSearch('random', evaluator, { k: 4, evaluationBudget: Infinity })).toThrow(/finite budget/);
    expect(() => streamSearch('brute', evaluator, { k: 4, limit: 100 })).toThrow(/more than the limit of 100/);
    expect(() => streamSearch('sleb', evaluator, { k: 16 })).toThrow(/between 1 and 15/);
    expect(() => streamSearch('sleb', evaluator, { k: 2, windows: 0 })).toThrow(/whole number >= 1, got 0/);
  });
});
