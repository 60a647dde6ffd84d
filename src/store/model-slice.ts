import type { StateCreator } from 'zustand';
import { Comlink } from '../bridge/model-client';
import { workerClient } from './client';
import { callResiliently } from '../bridge/resilient-evaluator';
import { createWorkerLink } from './worker-link';
import type { Backend } from '../core/env/backend';
import type { AdapterFeatures } from '../core/env/model-backend';
import type { LoadedModel, LoadProgress, Prediction, WorkerError, WorkerResult } from '../../workers/evaluate-api';
import type { LabState } from './index';

export const DEMO_MODEL = {
  modelUrl: new URL('models/demo/model.onnx', document.baseURI).href,
  tokenizerUrl: new URL('models/demo/tokenizer.json', document.baseURI).href,
  tokenizerConfigUrl: new URL('models/demo/tokenizer_config.json', document.baseURI).href,
  configUrl: new URL('models/demo/config.json', document.baseURI).href,
};

export type ModelStatus =
  | { readonly kind: 'empty' }
  | { readonly kind: 'loading'; readonly progress: LoadProgress | null }
  | { readonly kind: 'ready'; readonly model: LoadedModel }
  | { readonly kind: 'error'; readonly error: WorkerError };

export interface ModelSlice {
  model: ModelStatus;
  /** Where the loaded model came from: the built-in demo or files the user opened. */
  modelSource: 'demo' | 'files' | null;
  /** Why the last load failed (the previous model, if any, stays loaded). */
  loadError: WorkerError | null;
  prediction: Prediction | null;
  predicting: boolean;
  predictionError: WorkerError | null;
  loadDemo(): Promise<void>;
  /** Loads a model from dropped or picked files (.onnx, .onnx_data, tokenizer.json, config.json). */
  loadFiles(files: File[]): Promise<void>;
  predict(prompt: string): Promise<void>;
}

let loadRequest = 0;
/** The files of a model opened from files: a fresh worker (after a fault) reloads the model from them. */
let openedFiles: File[] | null = null;
/** What the preflight learnt of the GPU adapter that a model load needs (shader-f16 for float16 models). */
export const adapterFeatures = (s: LabState): AdapterFeatures =>
  s.preflight?.adapter ? { shaderF16: s.preflight.adapter.shaderF16 } : {};
export const openedModelFiles = (): File[] | null => openedFiles;
export const rememberOpenedFiles = (files: File[] | null): void => {
  openedFiles = files;
};

/** The worker refuses dropped files above this before reading them (with the command-line alternative). */
export { MAX_BROWSER_MODEL_BYTES } from '../core/env/browser-limits';
/** Above this, loading may take a while and a lot of memory: say so. */
export const LARGE_MODEL_BYTES = 512 * 2 ** 20;

type Loader = (
  backend: Backend,
  onProgress: (p: LoadProgress) => void,
  adapter: AdapterFeatures,
) => Promise<WorkerResult<LoadedModel>>;

export const createModelSlice: StateCreator<LabState, [], [], ModelSlice> = (set, get) => {
  /** Loads through the worker; a failure keeps the previous model (the worker only swaps on success). */
  const load = async (start: Loader, source: 'demo' | 'files', files: File[] | null = null) => {
    const choice = get().backendChoice;
    if (!choice) return;
    const previous = get().model;
    set({ model: { kind: 'loading', progress: null }, predictionError: null });
    const request = ++loadRequest;
    const res = await start(
      choice.backend,
      // Progress comes through its own message port and may arrive after the result: drop stale ones.
      Comlink.proxy((p: LoadProgress) => {
        if (request === loadRequest && get().model.kind === 'loading') set({ model: { kind: 'loading', progress: p } });
      }),
      // The worker runs a float16 model on wasm when the adapter has no shader-f16.
      adapterFeatures(get()),
    );
    if (request !== loadRequest) return;
    loadRequest++;
    if (!res.ok) {
      set({ model: previous.kind === 'ready' ? previous : { kind: 'error', error: res.error }, loadError: res.error });
      // A calibration that finished while the failed load ran could not score the strip then.
      if (previous.kind === 'ready') await get().scorePattern();
      return;
    }
    get().resetLab();
    openedFiles = files;
    set({ model: { kind: 'ready', model: res.value }, modelSource: source, loadError: null, prediction: null });
    await get().calibrate();
    await get().onModelLoaded();
  };

  return {
    model: { kind: 'empty' },
    modelSource: null,
    loadError: null,
    prediction: null,
    predicting: false,
    predictionError: null,
    loadDemo() {
      return load(
        (backend, onProgress, adapter) => workerClient().api.loadModel(DEMO_MODEL, backend, onProgress, adapter),
        'demo',
      );
    },
    loadFiles(files) {
      return load(
        (backend, onProgress, adapter) => workerClient().api.loadModelFiles(files, backend, onProgress, adapter),
        'files',
        files,
      );
    },

    async predict(prompt) {
      if (get().model.kind !== 'ready') return;
      set({ predicting: true, predictionError: null });
      let res: WorkerResult<Prediction>;
      try {
        // A dead or hung worker is replaced (model and calibration set restored) and asked again.
        res = await callResiliently<WorkerResult<Prediction>>(createWorkerLink(get, set), () =>
          workerClient().api.predictNext(prompt, 5),
        );
      } catch (e) {
        res = { ok: false, error: { code: 'internal', message: (e as Error).message } };
      }
      set(res.ok ? { predicting: false, prediction: res.value } : { predicting: false, predictionError: res.error });
    },
  };
};
