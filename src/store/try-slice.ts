import type { StateCreator } from 'zustand';
import type { SideBySide } from '../../workers/evaluate-api';
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
    const res = await workerClient().api.generateSideBySide(prompt, [...get().drop], 24);
    set(res.ok ? { tryBusy: false, tryResult: res.value } : { tryBusy: false, tryError: res.error.message });
  },
});
