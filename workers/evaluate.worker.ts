import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// Served from the app itself (no CDN): Vite emits the file and gives its URL.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { createModelApi } from './model-api';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };

const api = createModelApi();
Comlink.expose(api);
export type EvaluateApi = typeof api;
