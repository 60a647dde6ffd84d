import type { StateCreator } from 'zustand';
import type { SideBySide, WorkerResult } from '../../workers/evaluate-api';
import { callResiliently } from '../bridge/resilient-evaluator';
import { createWorkerLink } from './worker-link';
import { workerClient } from './client';
import type { LabState } from './index';

export interface TrySlice {
  tryResult: SideBySide | null;
  tryBusy: boolean;
  tryError: string | null;
  generate(prompt: string): Promise<void>;
}

export const createTrySlice: StateCreator<LabState, [], [], TrySlice> = (set, get) => ({
  tryResult: null,
  tryBusy: false,
  tryError: null,
  async generate(prompt) {
    if (get().model.kind !== 'ready') return;
    set({ tryBusy: true, tryError: null });
    const drop = [...get().drop];
    let res: WorkerResult<SideBySide>;
    try {
      res = await callResiliently<WorkerResult<SideBySide>>(
        createWorkerLink(get, set),
        () => workerClient().api.generateSideBySide(prompt, drop, 24),
        // Building the pruned model's session keeps the worker busy without a break.
        { heartbeatTimeoutMs: 60_000 },
      );
    } catch (e) {
      res = { ok: false, error: { code: 'internal', message: (e as Error).message } };
    }
    set(res.ok ? { tryBusy: false, tryResult: res.value } : { tryBusy: false, tryError: res.error.message });
  },
});
