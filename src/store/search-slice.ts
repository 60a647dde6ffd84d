import type { StateCreator } from 'zustand';
import { callResiliently, createResilientEvaluator, type FaultKind } from '../bridge/resilient-evaluator';
import { createWorkerLink, workerPace } from './worker-link';
import { createRunController, type RunController, type RunStatus } from '../bridge/run-controller';
import { clearRun, keepModelFiles, keptModelFiles, loadRun, saveRun, type SavedRun } from '../bridge/run-store';
import {
  RESUMABLE_METHODS,
  resumeSearch,
  streamSearch,
  type GenerationEvent,
  type SearchEvent,
  type SearchMethod,
  type SearchResult,
  type SavedSearch,
  type SearchStream,
} from '../core/search';
import { workerClient } from './client';
import { adapterFeatures, openedModelFiles, rememberOpenedFiles } from './model-slice';
import { installInWorker } from './recovery';
import type { LabState } from './index';
import type { LoadedModel, WorkerResult } from '../../workers/evaluate-api';
import { DEFAULT_SEARCH, paramsFor, type SearchSettings } from './search-params';

export { DEFAULT_SEARCH, type SearchSettings } from './search-params';

/** A finished run, kept to compare methods (and k) on the same calibration set. */
export interface RunRecord {
  readonly id: number;
  readonly method: SearchMethod;
  readonly k: number;
  readonly seed: number;
  readonly drop: readonly number[];
  readonly ppl: number;
  readonly evaluations: number;
  readonly ms: number;
  readonly scores?: readonly number[];
}

/** A fault the lab survived during a search, and what it did about it. */
export interface FaultRecord {
  readonly at: number;
  readonly kind: FaultKind;
  readonly message: string;
  /** The backend the search continued on. */
  readonly backend: 'wasm' | 'webgpu';
}

export interface SearchSlice {
  searchSettings: SearchSettings;
  runStatus: RunStatus;
  /** Generation events of the current EPPS run (one per generation, charts read these). */
  generations: GenerationEvent[];
  /** Last progress of a non-generational method. */
  lastStep: SearchEvent | null;
  runResult: SearchResult | null;
  runError: string | null;
  runs: RunRecord[];
  /** Faults survived in this page (crashed or hung worker, lost GPU device). */
  faults: FaultRecord[];
  /** What the lab is doing about a fault right now. */
  recovering: string | null;
  /** An unfinished search saved by an earlier page (reload, closed tab), offered for resuming. */
  savedRun: SavedRun | null;
  resumeError: string | null;
  /** Why the current run could not be saved for a reload (quota, private mode). */
  saveError: string | null;
  /** The generation after which the current run was last stored for a reload. */
  savedGeneration: number | null;
  checkSavedRun(): Promise<void>;
  /** Reloads the model (from OPFS, or `files` the user opened again) and the calibration set, and continues. */
  resumeSavedRun(files?: File[]): Promise<void>;
  discardSavedRun(): Promise<void>;
  setSearchSettings(patch: Partial<SearchSettings>): void;
  play(): void;
  pause(): void;
  step(): Promise<void>;
  resetSearch(): void;
  /** Forget everything about the previous model. */
  resetLab(): void;
}

let controller: RunController | undefined;
let runId = 0;

export const createSearchSlice: StateCreator<LabState, [], [], SearchSlice> = (set, get) => {
  const ensureController = (resume?: {
    state: SavedSearch;
    generations: GenerationEvent[];
    lastStep: SearchEvent | null;
  }): RunController | undefined => {
    if (controller) return controller;
    const model = get().model;
    const cal = get().calibration;
    if (model.kind !== 'ready' || cal.kind !== 'ready') return undefined;
    const settings = get().searchSettings;
    const id = ++runId;
    const shape = { blocks: model.model.blocks, windows: cal.info.windows, seqLen: cal.info.seqLen };
    const evaluator = createResilientEvaluator(createWorkerLink(get, set, shape), shape, { pace: workerPace });
    set({
      generations: resume ? [...resume.generations] : [],
      lastStep: resume?.lastStep ?? null,
      runResult: null,
      runError: null,
      saveError: null,
      savedGeneration: null,
    });
    let stream: SearchStream | undefined;
    const resumable = RESUMABLE_METHODS.includes(settings.method);
    // Keep a model opened from files where a reload can find it (OPFS), once the search runs on it.
    const files = openedModelFiles();
    if (resumable && get().modelSource === 'files' && files) void keepModelFiles(model.model.fingerprint, files);
    /** After every generation or step: what a reload needs to continue from here. */
    const persist = () => {
      const m = get().model;
      const c = get().calibration;
      if (!stream || !resumable || m.kind !== 'ready' || c.kind !== 'ready') return;
      const state = stream.saveState();
      const at =
        state.format === 'evop-epps-state/1'
          ? state.generation
          : ((get().lastStep as { step?: number } | null)?.step ?? 0);
      void saveRun({
        format: 'evop-saved-run/2',
        savedAt: Date.now(),
        model: {
          source: get().modelSource ?? 'demo',
          name: m.model.name,
          fingerprint: m.model.fingerprint,
          blocks: m.model.blocks,
          backend: m.model.backend,
        },
        calibration: { settings: get().calibrationSettings, source: get().calibrationSource, info: c.info },
        search: { settings, state, generations: get().generations, lastStep: get().lastStep },
      }).then((error) => id === runId && set({ saveError: error, savedGeneration: error ? null : at }));
    };
    controller = createRunController(
      (signal) =>
        (async function* () {
          if (resume) {
            stream = resumeSearch(evaluator, resume.state, { signal });
            return yield* stream;
          }
          let influence: readonly number[] | undefined;
          if (settings.method === 'shortgpt') {
            const r = await callResiliently<WorkerResult<number[]>>(createWorkerLink(get, set), () =>
              workerClient().api.blockInfluence(),
            );
            if (!r.ok) throw new Error(r.error.message);
            influence = r.value;
          }
          stream = streamSearch(settings.method, evaluator, paramsFor(settings, influence), {
            seed: settings.seed,
            signal,
          });
          return yield* stream;
        })(),
      {
        onEvent: (e) => {
          if (id !== runId) return;
          // One state update per generation: charts redraw once per generation, never per candidate.
          if (e.type === 'generation') set({ generations: [...get().generations, e], lastStep: e });
          else set({ lastStep: e });
          persist();
        },
        onDone: (r) => {
          if (id !== runId) return;
          const record: RunRecord = {
            id,
            method: r.method,
            k: r.drop.length,
            seed: settings.seed,
            drop: r.drop,
            ppl: r.ppl,
            evaluations: r.evaluations,
            ms: r.ms,
            ...(r.scores ? { scores: r.scores } : {}),
          };
          set({ runResult: r, runs: [...get().runs, record] });
          void clearRun();
        },
        onStatus: (s) => id === runId && set({ runStatus: s }),
        onError: (e) => id === runId && set({ runError: e.message }),
      },
    );
    return controller;
  };

  return {
    searchSettings: DEFAULT_SEARCH,
    runStatus: 'idle',
    generations: [],
    lastStep: null,
    runResult: null,
    runError: null,
    runs: [],
    faults: [],
    recovering: null,
    savedRun: null,
    resumeError: null,
    saveError: null,
    savedGeneration: null,
    async checkSavedRun() {
      const saved = await loadRun();
      if (saved && !controller) set({ savedRun: saved });
    },
    async discardSavedRun() {
      set({ savedRun: null, resumeError: null });
      await clearRun();
    },
    async resumeSavedRun(files) {
      const saved = get().savedRun;
      const choice = get().backendChoice;
      if (!saved || !choice) return;
      set({ resumeError: null });
      let modelFiles: File[] | null = null;
      if (saved.model.source === 'files') {
        modelFiles = files ?? (await keptModelFiles(saved.model.fingerprint));
        if (!modelFiles) {
          set({
            resumeError: `Open ${saved.model.name} again (with its tokenizer.json and any .onnx_data) to resume: this browser did not keep a copy.`,
          });
          return;
        }
      }
      // The lab as it is stays until the saved model and set are in the worker (the worker checks
      // the fingerprint before it lets go of the model it has).
      const previous = get().model;
      set({ model: { kind: 'loading', progress: null } });
      let loaded;
      try {
        loaded = await installInWorker({
          source: saved.model.source,
          files: modelFiles,
          backend: choice.backend,
          adapter: adapterFeatures(get()),
          fingerprint: saved.model.fingerprint,
          calibration: saved.calibration,
          onProgress: (p) => get().model.kind === 'loading' && set({ model: { kind: 'loading', progress: p } }),
        });
      } catch (e) {
        const swapped = (e as { modelLoaded?: LoadedModel }).modelLoaded;
        if (swapped) {
          // The model is in, its calibration set is not: show what the worker now holds.
          get().resetLab();
          rememberOpenedFiles(modelFiles);
          set({ model: { kind: 'ready', model: swapped }, modelSource: saved.model.source });
        } else set({ model: previous.kind === 'loading' ? { kind: 'empty' } : previous });
        // Nothing saved is lost: the offer stays.
        set({ resumeError: (e as Error).message });
        return;
      }
      get().resetLab();
      rememberOpenedFiles(modelFiles);
      set({
        model: { kind: 'ready', model: loaded },
        modelSource: saved.model.source,
        loadError: null,
        calibrationSettings: saved.calibration.settings,
        calibrationSource: saved.calibration.source,
        calibration: { kind: 'ready', info: saved.calibration.info },
        searchSettings: saved.search.settings,
        savedRun: null,
      });
      ensureController({
        state: saved.search.state,
        generations: [...saved.search.generations],
        lastStep: saved.search.lastStep,
      })?.play();
      void get().scorePattern();
    },
    setSearchSettings(patch) {
      get().resetSearch();
      set({ searchSettings: { ...get().searchSettings, ...patch } });
    },
    play() {
      const c = controller?.status === 'done' ? (get().resetSearch(), ensureController()) : ensureController();
      c?.play();
    },
    pause() {
      controller?.pause();
    },
    async step() {
      if (controller?.status === 'done') get().resetSearch();
      await ensureController()?.step();
    },
    resetSearch() {
      // The saved state belongs to this page's run: resetting it discards it too.
      if (controller) void clearRun();
      controller?.reset();
      controller = undefined;
      runId++;
      set({
        runStatus: 'idle',
        generations: [],
        lastStep: null,
        runResult: null,
        runError: null,
        savedGeneration: null,
      });
    },
    resetLab() {
      get().resetSearch();
      set({
        runs: [],
        drop: [],
        patternResult: null,
        denseResult: null,
        calibration: { kind: 'none' },
        calibrationError: null,
      });
    },
  };
};
