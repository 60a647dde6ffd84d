import type { StateCreator } from 'zustand';
import { Comlink } from '../bridge/model-client';
import type { CalibrationInfo, CalibrationProgress, WorkerError } from '../../workers/evaluate-api';
import { workerClient } from './client';
import type { LabState } from './index';

export interface CalibrationSettings {
  readonly method: 'ccds' | 'random';
  readonly samples: number;
  readonly seqLen: number;
  readonly seed: number;
  readonly clusters: number;
}

/** Interactive defaults for a laptop without a GPU (DESIGN): a short set, 8 windows of 128 tokens. */
export const DEFAULT_CALIBRATION: CalibrationSettings = {
  method: 'ccds',
  samples: 8,
  seqLen: 128,
  seed: 0,
  clusters: 8,
};

export type CalibrationStatus =
  | { readonly kind: 'none' }
  | { readonly kind: 'building'; readonly progress: CalibrationProgress | null }
  | { readonly kind: 'ready'; readonly info: CalibrationInfo }
  | { readonly kind: 'error'; readonly error: WorkerError };

export interface CalibrationSlice {
  calibrationSettings: CalibrationSettings;
  calibration: CalibrationStatus;
  setCalibrationSettings(patch: Partial<CalibrationSettings>): void;
  calibrate(): Promise<void>;
}

let calibrationRequest = 0;

export const createCalibrationSlice: StateCreator<LabState, [], [], CalibrationSlice> = (set, get) => ({
  calibrationSettings: DEFAULT_CALIBRATION,
  calibration: { kind: 'none' },
  setCalibrationSettings(patch) {
    set({ calibrationSettings: { ...get().calibrationSettings, ...patch } });
  },
  async calibrate() {
    if (get().model.kind !== 'ready') return;
    const s = get().calibrationSettings;
    get().resetSearch();
    // A new request supersedes one still building (e.g. a slow CCDS pass): stop that one first.
    if (get().calibration.kind === 'building') void workerClient().api.cancel();
    const request = ++calibrationRequest;
    set({ calibration: { kind: 'building', progress: null } });
    const res = await workerClient().api.useBuiltInCalibration(
      { corpusUrl: new URL('corpus/', document.baseURI).href, ...s },
      // Progress comes through its own message port and may arrive after the result: drop stale ones.
      Comlink.proxy((p: CalibrationProgress) => {
        if (request === calibrationRequest && get().calibration.kind === 'building')
          set({ calibration: { kind: 'building', progress: p } });
      }),
    );
    if (request !== calibrationRequest) return;
    calibrationRequest++;
    set({ calibration: res.ok ? { kind: 'ready', info: res.value } : { kind: 'error', error: res.error } });
    if (res.ok) await get().scorePattern();
  },
});
