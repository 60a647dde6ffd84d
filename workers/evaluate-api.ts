import type { Backend } from '../src/core/env/backend';
import type { EvalRequest, EvalResult } from '../src/core/evaluate/evaluator';

/** Progress of a long worker call; one discriminated union so the UI handles every case. */
export type LoadProgress =
  | { readonly type: 'download'; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly type: 'session'; readonly backend: Backend }
  | { readonly type: 'ready'; readonly backend: Backend; readonly ms: number };

export type CalibrationProgress =
  | { readonly type: 'corpus'; readonly loaded: number; readonly total: number }
  | { readonly type: 'tokenize'; readonly windows: number }
  | { readonly type: 'split'; readonly blocks: number }
  | { readonly type: 'ready'; readonly windows: number; readonly seqLen: number; readonly ms: number };

export type WorkerErrorCode =
  | 'download-failed'
  | 'session-failed'
  | 'bad-tokenizer'
  | 'bad-model'
  | 'not-loaded'
  | 'no-calibration'
  | 'bad-input'
  | 'cancelled'
  | 'internal';

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
  readonly blocks: number;
  readonly architecture: string;
  readonly fingerprint: string;
  readonly ms: number;
}

export interface Prediction {
  readonly prompt: string;
  readonly promptTokens: number;
  readonly top: readonly { readonly id: number; readonly text: string; readonly prob: number }[];
  readonly ms: number;
  readonly backend: Backend;
}

/** The built-in calibration set: windows cut from the corpus pools, then sampled with a seed. */
export interface BuiltInCalibrationRequest {
  /** Base URL of public/corpus/ (index.json and the pool files). */
  readonly corpusUrl: string;
  readonly samples: number;
  readonly seqLen: number;
  readonly seed: number;
}

export interface CalibrationInfo {
  readonly windows: number;
  readonly seqLen: number;
  readonly tokens: number;
  /** Windows per domain. */
  readonly domains: Readonly<Record<string, number>>;
}

export interface EvaluateProgress {
  readonly done: number;
  readonly total: number;
  readonly result: EvalResult;
}

export type { EvalRequest, EvalResult };
