import type { StoreApi } from 'zustand';
import { createRemoteEvaluator } from '../bridge/remote-evaluator';
import type { Fault, Pace, WorkerLink } from '../bridge/resilient-evaluator';
import { replaceWorker, workerClient, workerEpoch } from './client';
import { adapterFeatures, openedModelFiles } from './model-slice';
import { installInWorker } from './recovery';
import type { LabState } from './index';

let recovering: Promise<void> | undefined;

/** How fast the worker answers, learnt over the page's life: the hang watchdog scales with it. */
export const workerPace: Pace = { slowestGapMs: 0 };

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/**
 * The page's worker as the resilient evaluator sees it. Recovery replaces the worker, loads the
 * same model (checked by fingerprint) on the same backend, or on wasm when the GPU device was
 * lost, and restores the calibration set from its token ids. One recovery at a time: a fault
 * seen by several callers (the search and the block strip) replaces the worker once.
 */
export function createWorkerLink(
  get: StoreApi<LabState>['getState'],
  set: StoreApi<LabState>['setState'],
  shape?: { blocks: number; windows: number; seqLen: number },
): WorkerLink {
  const recover = async (fault: Fault, seenOn: number) => {
    if (recovering) return recovering;
    if (seenOn !== workerEpoch()) return; // that worker is already gone
    const model = get().model;
    const cal = get().calibration;
    if (model.kind !== 'ready') throw new Error(fault.message);
    const backend = fault.kind === 'device-lost' ? 'wasm' : model.model.backend;
    set({ recovering: `${capitalise(fault.message)}: starting a fresh worker on ${backend}…` });
    recovering = (async () => {
      replaceWorker();
      const loaded = await installInWorker({
        source: get().modelSource ?? 'demo',
        files: openedModelFiles(),
        backend,
        adapter: adapterFeatures(get()),
        fingerprint: model.model.fingerprint,
        calibration: cal.kind === 'ready' ? { info: cal.info, settings: get().calibrationSettings } : null,
      });
      set({
        model: { kind: 'ready', model: loaded },
        faults: [...get().faults, { at: Date.now(), kind: fault.kind, message: fault.message, backend }],
        ...(fault.kind === 'device-lost'
          ? {
              backendChoice: {
                backend: 'wasm' as const,
                reason: `The GPU device was lost (${fault.message}); the lab continues on wasm (CPU).`,
              },
            }
          : {}),
      });
    })();
    try {
      await recovering;
    } finally {
      recovering = undefined;
      set({ recovering: null });
    }
  };
  return {
    evaluator: () => {
      if (!shape) throw new Error('createWorkerLink: no evaluator without the calibration shape');
      return createRemoteEvaluator(workerClient(), shape);
    },
    crashed: () => workerClient().crashed,
    ping: () => workerClient().api.ping(),
    epoch: workerEpoch,
    recover,
  };
}
