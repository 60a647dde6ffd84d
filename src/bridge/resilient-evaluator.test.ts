import { describe, expect, it } from 'vitest';
import type { EvalRequest, EvaluateOptions, Evaluator } from '../core/evaluate/evaluator';
import { runSearch, type EppsParams } from '../core/search';
import { createSyntheticEvaluator } from '../core/search/test-support/synthetic-evaluator';
import { FaultError, type Fault } from './faults';
import { WorkerCallError } from './remote-evaluator';
import { callResiliently, createResilientEvaluator, type WorkerLink } from './resilient-evaluator';

type Injected = 'hang' | 'crash' | 'device-lost' | 'bad-input';

/**
 * A worker seen through its link, with faults injected on chosen calls: a hang never answers, a
 * crash rejects `crashed()`, a lost device answers with its error code. `recover` starts a new
 * "worker" (a fresh generation of the link).
 */
function faultyLink(inner: Evaluator, plan: Map<number, Injected>) {
  let call = 0;
  let crash: ((e: Error) => void) | undefined;
  let crashed = new Promise<never>((_, reject) => (crash = reject));
  crashed.catch(() => undefined);
  const recovered: Fault[] = [];
  const link: WorkerLink = {
    evaluator: () => ({
      ...inner,
      evaluate(batch: readonly EvalRequest[], options?: EvaluateOptions) {
        const fault = plan.get(call++);
        if (fault === 'hang') return new Promise(() => undefined);
        if (fault === 'crash') {
          setTimeout(() => crash!(new FaultError('crash', 'the evaluation worker crashed (injected)')), 5);
          return new Promise(() => undefined);
        }
        if (fault === 'device-lost')
          return Promise.reject(new WorkerCallError('device-lost', 'The GPU device was lost (injected).'));
        if (fault === 'bad-input') return Promise.reject(new WorkerCallError('bad-input', 'not a fault'));
        return inner.evaluate(batch, options);
      },
    }),
    crashed: () => crashed,
    recover: async (f) => {
      recovered.push(f);
      crashed = new Promise<never>((_, reject) => (crash = reject));
      crashed.catch(() => undefined);
    },
  };
  return { link, recovered, calls: () => call };
}

const params: EppsParams = { k: 4, population: 8, offspring: 16, generations: 6, evaluationBudget: 200, staged: true };
const watch = { initialStallMs: 200, minStallMs: 50, stallFactor: 20 };

describe('the resilient evaluator', () => {
  it('replaces a hung, crashed or device-lost worker and the search ends exactly as without faults', async () => {
    const clean = await runSearch('evo', createSyntheticEvaluator(), params, { seed: 7 });
    const plan = new Map<number, Injected>([
      [0, 'hang'], // the very first call: the initial stall limit applies
      [3, 'crash'],
      [6, 'device-lost'],
      [9, 'hang'], // later: the limit comes from the pace seen so far
    ]);
    const synthetic = createSyntheticEvaluator();
    const { link, recovered } = faultyLink(synthetic, plan);
    const faults: Fault[] = [];
    const ev = createResilientEvaluator(link, synthetic, { ...watch, onFault: (f) => faults.push(f) });
    const faulty = await runSearch('evo', ev, params, { seed: 7 });
    expect(recovered.map((f) => f.kind)).toEqual(['hang', 'crash', 'device-lost', 'hang']);
    expect(faults).toEqual(recovered);
    expect(faulty.drop).toEqual(clean.drop);
    expect(faulty.ppl).toBe(clean.ppl);
    expect(faulty.evaluations).toBe(clean.evaluations);
    expect(faulty.history.map((h) => h.ppl)).toEqual(clean.history.map((h) => h.ppl));
  });

  it('passes other errors through untouched, and gives up on a worker that fails every time', async () => {
    const synthetic = createSyntheticEvaluator();
    const bad = faultyLink(synthetic, new Map([[0, 'bad-input']]));
    const ev = createResilientEvaluator(bad.link, synthetic, watch);
    await expect(ev.evaluate([{ drop: [1] }])).rejects.toThrow('not a fault');
    expect(bad.recovered).toEqual([]);

    const always = faultyLink(synthetic, new Map([0, 1, 2, 3, 4].map((i) => [i, 'device-lost'] as const)));
    const ev2 = createResilientEvaluator(always.link, synthetic, { ...watch, maxFaultsPerCall: 2 });
    await expect(ev2.evaluate([{ drop: [1] }])).rejects.toThrow(
      'The evaluation worker failed 3 times on the same batch (last: The GPU device was lost (injected).); stopped. Reload the page, or try the other backend.',
    );
    expect(always.recovered).toHaveLength(2);
  });

  it('an abort ends a call to a hung worker at once, without a recovery', async () => {
    const synthetic = createSyntheticEvaluator();
    const { link, recovered } = faultyLink(synthetic, new Map([[0, 'hang']]));
    const ev = createResilientEvaluator(link, synthetic, { ...watch, initialStallMs: 60_000 });
    const abort = new AbortController();
    const pending = ev.evaluate([{ drop: [2] }], { signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(recovered).toEqual([]);
  });

  it('with a heartbeat, a call that waits its turn behind a long one is not a hang; a worker that stops answering is', async () => {
    const synthetic = createSyntheticEvaluator();
    // Queued: the worker answers pings and is not scoring this batch yet (silent 0) for 300 ms.
    let answering = true;
    const queued: WorkerLink = {
      evaluator: () => ({
        ...synthetic,
        evaluate: (b, o) => new Promise((r) => setTimeout(r, 300)).then(() => synthetic.evaluate(b, o)),
      }),
      crashed: () => new Promise<never>(() => undefined),
      recover: async () => {
        answering = true;
      },
      ping: () => (answering ? Promise.resolve({ evaluatingSilentMs: 0 }) : new Promise(() => undefined)),
    };
    const faults: Fault[] = [];
    const options = {
      ...watch,
      initialStallMs: 50,
      heartbeatMs: 10,
      heartbeatTimeoutMs: 100,
      onFault: (f: Fault) => faults.push(f),
    };
    const ev = createResilientEvaluator(queued, synthetic, options);
    expect(await ev.evaluate([{ drop: [3] }])).toHaveLength(1);
    expect(faults).toEqual([]);
    // Gone: no pong within the heartbeat timeout, whatever the pace.
    answering = false;
    expect(await ev.evaluate([{ drop: [4] }])).toHaveLength(1);
    expect(faults.map((f) => f.kind)).toEqual(['hang']);
    expect(faults[0]!.message).toBe('the evaluation worker stopped answering (no reply for 0 s)');
  });

  it('callResiliently: a worker answer naming a lost device, or a silent worker, gets a fresh worker and the call again', async () => {
    const recovered: Fault[] = [];
    let alive = true;
    const link = {
      crashed: () => new Promise<never>(() => undefined),
      ping: () => (alive ? Promise.resolve({ evaluatingSilentMs: null }) : new Promise<never>(() => undefined)),
      recover: async (f: Fault) => {
        recovered.push(f);
        alive = true;
      },
    };
    const answers: unknown[] = [
      { ok: false, error: { code: 'device-lost', message: 'The GPU device was lost (injected).' } },
      { ok: true, value: 42 },
    ];
    expect(await callResiliently(link, async () => answers.shift())).toEqual({ ok: true, value: 42 });
    expect(recovered.map((f) => f.kind)).toEqual(['device-lost']);

    // A worker that stops answering: the call never settles, the heartbeat decides.
    alive = false;
    let calls = 0;
    const result = await callResiliently(
      link,
      () => (calls++ === 0 ? new Promise<string>(() => undefined) : Promise.resolve('again')),
      { heartbeatMs: 10, heartbeatTimeoutMs: 100 },
    );
    expect(result).toBe('again');
    expect(recovered.map((f) => f.kind)).toEqual(['device-lost', 'hang']);
    // Other errors pass through.
    await expect(callResiliently(link, () => Promise.reject(new Error('bad prompt')))).rejects.toThrow('bad prompt');
  });
});
