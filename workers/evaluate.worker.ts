import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// Served from the app itself (no CDN): Vite emits the file and gives its URL.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { createModelApi } from './model-api';
import { installDiagnostics } from './diagnostics';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };

// Before onnxruntime starts (it initialises lazily, on the first session), so it sees every buffer.
const diagnostics = installDiagnostics();
const api = createModelApi({ diagnostics });
Comlink.expose(api);
export type EvaluateApi = typeof api;
