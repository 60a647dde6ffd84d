import type { StateCreator } from 'zustand';
import { Comlink } from '../bridge/model-client';
import type { CalibrationInfo, CalibrationProgress, WorkerError, WorkerResult } from '../../workers/evaluate-api';
import { callResiliently } from '../bridge/resilient-evaluator';
import { createWorkerLink } from './worker-link';
import { workerClient, workerEpoch } from './client';
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

/** The user's own calibration text (pasted or a dropped file); stays on this machine, never in a link. */
export interface UserCalibrationText {
  readonly input: string | Uint8Array;
  readonly fileName?: string;
  /** JSONL field / CSV column holding the text. */
  readonly field?: string;
}

export interface CalibrationSlice {
  calibrationSettings: CalibrationSettings;
  /** Built-in pool or the user's text. */
  calibrationSource: 'builtin' | 'user';
  userText: UserCalibrationText | null;
  setCalibrationSource(source: 'builtin' | 'user', text?: UserCalibrationText | null): void;
  calibration: CalibrationStatus;
  /** Why the last build failed while the previous set stayed in use (the worker keeps it). */
  calibrationError: WorkerError | null;
  setCalibrationSettings(patch: Partial<CalibrationSettings>): void;
  calibrate(): Promise<void>;
}

let calibrationRequest = 0;

export const createCalibrationSlice: StateCreator<LabState, [], [], CalibrationSlice> = (set, get) => ({
  calibrationSettings: DEFAULT_CALIBRATION,
  calibration: { kind: 'none' },
  calibrationError: null,
  calibrationSource: 'builtin',
  userText: null,
  setCalibrationSource(source, text) {
    set({ calibrationSource: source, ...(text !== undefined ? { userText: text } : {}) });
  },
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
    // A failed build leaves the worker's set as it was: the lab keeps using it and says why.
    const before = get().calibration;
    const previous = before.kind === 'ready' ? before : null;
    // A worker replaced meanwhile (after a fault) no longer holds the previous set.
    const epoch = workerEpoch();
    const fail = (error: WorkerError) =>
      set(
        previous && workerEpoch() === epoch
          ? {
              calibration: previous,
              calibrationError: { ...error, message: `${error.message} The previous calibration set is still in use.` },
            }
          : { calibration: { kind: 'error', error }, calibrationError: null },
      );
    set({ calibration: { kind: 'building', progress: null }, calibrationError: null });
    const user = get().calibrationSource === 'user' ? get().userText : null;
    if (get().calibrationSource === 'user' && !user) {
      fail({ code: 'bad-input', message: 'Paste some text or open a text file first.' });
      return;
    }
    const source = user
      ? ({ kind: 'user', ...user } as const)
      : ({ kind: 'builtin', corpusUrl: new URL('corpus/', document.baseURI).href } as const);
    let res: WorkerResult<CalibrationInfo>;
    try {
      // A worker that dies or stops answering while it builds the set is replaced and asked again.
      // The heartbeat is lenient here: building the split sessions of a large model can keep the
      // worker's thread busy for a while.
      res = await callResiliently<WorkerResult<CalibrationInfo>>(
        createWorkerLink(get, set),
        () =>
          workerClient().api.useCalibration(
            { source, ...s },
            // Progress comes through its own message port and may arrive after the result: drop stale ones.
            Comlink.proxy((p: CalibrationProgress) => {
              if (request === calibrationRequest && get().calibration.kind === 'building')
                set({ calibration: { kind: 'building', progress: p } });
            }),
          ),
        { heartbeatTimeoutMs: 60_000 },
      );
    } catch (e) {
      res = { ok: false, error: { code: 'internal', message: (e as Error).message } };
    }
    if (request !== calibrationRequest) return;
    calibrationRequest++;
    if (!res.ok) return fail(res.error);
    set({ calibration: { kind: 'ready', info: res.value } });
    await get().scorePattern();
  },
});
