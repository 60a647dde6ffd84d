import type { Backend } from '../src/core/env/backend';

/** Progress of a long worker call; one discriminated union so the UI handles every case. */
export type LoadProgress =
  | { readonly type: 'download'; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly type: 'session'; readonly backend: Backend }
  | { readonly type: 'ready'; readonly backend: Backend; readonly ms: number };

export type WorkerErrorCode = 'download-failed' | 'session-failed' | 'bad-tokenizer' | 'not-loaded' | 'bad-input' | 'internal';

export interface WorkerError {
  readonly code: WorkerErrorCode;
  readonly message: string;
}

/** Worker calls answer with a value or a typed error (comlink would keep only an Error's message). */
export type WorkerResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WorkerError };

export interface ModelSource {
  readonly modelUrl: string;
  readonly tokenizerUrl: string;
  readonly tokenizerConfigUrl?: string;
}

export interface LoadedModel {
  readonly backend: Backend;
  readonly bytes: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly vocabSize: number;
  readonly ms: number;
}

export interface Prediction {
  readonly prompt: string;
  readonly promptTokens: number;
  readonly top: readonly { readonly id: number; readonly text: string; readonly prob: number }[];
  readonly ms: number;
  readonly backend: Backend;
}
