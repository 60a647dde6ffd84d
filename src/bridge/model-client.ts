import * as Comlink from 'comlink';
import type { EvaluateApi } from '../../workers/evaluate.worker';

/**
 * Owns the evaluation worker. A hung or crashed worker is terminated and a fresh one spawned on
 * the next call, so one bad model never leaves the page stuck.
 */
export interface ModelClient {
  readonly api: Comlink.Remote<EvaluateApi>;
  terminate(): void;
}

export function spawnModelWorker(): ModelClient {
  const worker = new Worker(new URL('../../workers/evaluate.worker.ts', import.meta.url), {
    type: 'module',
    name: 'evaluate',
  });
  const api = Comlink.wrap<EvaluateApi>(worker);
  return {
    api,
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export { Comlink };
