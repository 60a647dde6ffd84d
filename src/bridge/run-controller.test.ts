import { describe, expect, it } from 'vitest';
import type { SearchEvent, SearchResult } from '../core/search';
import { createRunController, type RunStatus } from './run-controller';

const result = {
  method: 'evo',
  drop: [1],
  ppl: 2,
  evaluations: 3,
  tokensEvaluated: 0,
  ms: 0,
  history: [],
  stopReason: 'done',
} as unknown as SearchResult;

async function* gens(n: number, signal: AbortSignal): AsyncGenerator<SearchEvent, SearchResult, void> {
  for (let g = 0; g < n; g++) {
    await new Promise((r) => setTimeout(r, 2));
    signal.throwIfAborted();
    yield { type: 'generation', generation: g } as unknown as SearchEvent;
  }
  return result;
}

function harness(n: number) {
  const events: number[] = [];
  const statuses: RunStatus[] = [];
  let done: SearchResult | undefined;
  const c = createRunController((s) => gens(n, s), {
    onEvent: (e) => events.push((e as { generation: number }).generation),
    onDone: (r) => (done = r),
    onStatus: (s) => statuses.push(s),
    onError: (e) => {
      throw e;
    },
  });
  return { c, events, statuses, done: () => done };
}

describe('createRunController', () => {
  it('steps one generation at a time and pauses in between', async () => {
    const h = harness(5);
    await h.c.step();
    await h.c.step();
    expect(h.events).toEqual([0, 1]);
    expect(h.c.status).toBe('paused');
  });

  it('plays to the end and reports the result once', async () => {
    const h = harness(4);
    h.c.play();
    await new Promise((r) => setTimeout(r, 100));
    expect(h.events).toEqual([0, 1, 2, 3]);
    expect(h.done()).toBe(result);
    expect(h.c.status).toBe('done');
  });

  it('pause stops after the generation in flight; play resumes where it stopped', async () => {
    const h = harness(50);
    h.c.play();
    await new Promise((r) => setTimeout(r, 15));
    h.c.pause();
    await new Promise((r) => setTimeout(r, 20));
    const seen = h.events.length;
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.events.length).toBe(seen);
    expect(h.c.status).toBe('paused');
    await h.c.step();
    expect(h.events).toEqual([...Array(seen + 1).keys()]);
  });

  it('reset aborts and a new run starts from generation 0', async () => {
    const h = harness(50);
    h.c.play();
    await new Promise((r) => setTimeout(r, 10));
    h.c.reset();
    expect(h.c.status).toBe('idle');
    const before = h.events.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(h.events.length).toBe(before);
    await h.c.step();
    expect(h.events[h.events.length - 1]).toBe(0);
  });
});
