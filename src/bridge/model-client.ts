import * as Comlink from 'comlink';
import type { EvaluateApi } from '../../workers/evaluate.worker';
import { FaultError } from './faults';

/**
 * Owns the evaluation worker. A hung or crashed worker is terminated and a fresh one spawned on
 * the next call, so one bad model never leaves the page stuck.
 */
export interface ModelClient {
  readonly api: Comlink.Remote<EvaluateApi>;
  /** Rejects (with a FaultError 'crash') when the worker reports an uncaught error. Never resolves. */
  readonly crashed: Promise<never>;
  terminate(): void;
}

export function spawnModelWorker(): ModelClient {
  const worker = new Worker(new URL('../../workers/evaluate.worker.ts', import.meta.url), {
    type: 'module',
    name: 'evaluate',
  });
  const api = Comlink.wrap<EvaluateApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      reject(new FaultError('crash', `the evaluation worker crashed (${e.message || 'uncaught error'})`));
    });
    worker.addEventListener('messageerror', () =>
      reject(new FaultError('crash', 'the evaluation worker sent a message that could not be read')),
    );
  });
  crashed.catch(() => undefined); // seen by whoever races it; never an unhandled rejection
  return {
    api,
    crashed,
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export { Comlink };
