import type { StateCreator } from 'zustand';
import {
  chooseBackend,
  type BackendChoice,
  type BackendPreference,
  type PreflightReport,
} from '../core/env/backend-choice';
import { runPreflight } from '../bridge/preflight';
import type { LabState } from './index';

export interface PreflightSlice {
  preflight: PreflightReport | null;
  backendPreference: BackendPreference;
  backendChoice: BackendChoice | null;
  probe(): Promise<void>;
  setBackendPreference(p: BackendPreference): void;
}

export const createPreflightSlice: StateCreator<LabState, [], [], PreflightSlice> = (set, get) => ({
  preflight: null,
  backendPreference: 'auto',
  backendChoice: null,
  async probe() {
    const report = await runPreflight();
    set({ preflight: report, backendChoice: chooseBackend(report, get().backendPreference) });
  },
  setBackendPreference(p) {
    const report = get().preflight;
    set({ backendPreference: p, backendChoice: report ? chooseBackend(report, p) : null });
  },
});
