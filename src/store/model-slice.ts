import type { StateCreator } from 'zustand';
import { Comlink } from '../bridge/model-client';
import { workerClient } from './client';
import type { LoadedModel, LoadProgress, Prediction, WorkerError } from '../../workers/evaluate-api';
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
  prediction: Prediction | null;
  predicting: boolean;
  predictionError: WorkerError | null;
  loadDemo(): Promise<void>;
  predict(prompt: string): Promise<void>;
}

let loadRequest = 0;

export const createModelSlice: StateCreator<LabState, [], [], ModelSlice> = (set, get) => ({
  model: { kind: 'empty' },
  prediction: null,
  predicting: false,
  predictionError: null,
  async loadDemo() {
    const choice = get().backendChoice;
    if (!choice) return;
    const client = workerClient();
    set({ model: { kind: 'loading', progress: null }, prediction: null, predictionError: null });
    get().resetLab();
    const request = ++loadRequest;
    const res = await client.api.loadModel(
      DEMO_MODEL,
      choice.backend,
      // Progress comes through its own message port and may arrive after the result: drop stale ones.
      Comlink.proxy((p: LoadProgress) => {
        if (request === loadRequest && get().model.kind === 'loading') set({ model: { kind: 'loading', progress: p } });
      }),
    );
    if (request !== loadRequest) return;
    loadRequest++;
    set({ model: res.ok ? { kind: 'ready', model: res.value } : { kind: 'error', error: res.error } });
    if (res.ok) await get().calibrate();
  },
  async predict(prompt) {
    if (get().model.kind !== 'ready') return;
    set({ predicting: true, predictionError: null });
    const res = await workerClient().api.predictNext(prompt, 5);
    set(res.ok ? { predicting: false, prediction: res.value } : { predicting: false, predictionError: res.error });
  },
});
