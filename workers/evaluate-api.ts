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
  | { readonly type: 'embed'; readonly done: number; readonly total: number }
  | { readonly type: 'split'; readonly blocks: number }
  | { readonly type: 'ready'; readonly windows: number; readonly seqLen: number; readonly ms: number };

export type WorkerErrorCode =
  | 'download-failed'
  | 'session-failed'
  | 'bad-tokenizer'
  | 'bad-model'
  | 'too-large'
  | 'not-loaded'
  | 'no-calibration'
  | 'bad-input'
  | 'cancelled'
  /** The GPU device was lost (driver reset, another tab, or destroyed); the page reloads on wasm. */
  | 'device-lost'
  /** onnxruntime's wasm runtime aborted or ran out of memory: this worker cannot go on. */
  | 'crashed'
  | 'internal';

export interface WorkerError {
  readonly code: WorkerErrorCode;
  /** The finer cause where there is one (an ONNX check: not-onnx, truncated, no-blocks, encoder-only, ...). */
  readonly reason?: string;
  readonly message: string;
}

/** Worker calls answer with a value or a typed error (comlink would keep only an Error's message). */
export type WorkerResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WorkerError };

export interface ModelSource {
  readonly modelUrl: string;
  readonly tokenizerUrl: string;
  readonly tokenizerConfigUrl?: string;
  /** The model's config.json, rewritten on export. */
  readonly configUrl?: string;
}

export interface LoadedModel {
  /** File name of the .onnx. */
  readonly name: string;
  /** Where the session runs: the chosen backend, or wasm when the model needs what the GPU adapter lacks. */
  readonly backend: Backend;
  /** Why `backend` is not the one chosen (a float16 model on an adapter without shader-f16); null when it is. */
  readonly backendNotice: string | null;
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

/** Where calibration candidates come from: the built-in pools, or the user's own text. */
export type CalibrationSource =
  | {
      readonly kind: 'builtin';
      /** Base URL of public/corpus/ (index.json and the pool files). */ readonly corpusUrl: string;
    }
  | {
      readonly kind: 'user';
      /** Pasted text, or the bytes of a dropped .txt / .md / .jsonl / .csv file. */
      readonly input: string | Uint8Array;
      readonly fileName?: string;
      /** JSONL field / CSV column holding the text (default `text`). */
      readonly field?: string;
    }
  | {
      /**
       * Windows of token ids, used as given: restores a set in a fresh worker (after a crash, a
       * lost device or a reload) without tokenizing or embedding again.
       */
      readonly kind: 'windows';
      readonly windows: readonly (readonly number[])[];
    };

/** A calibration set: candidate windows from the source, then chosen by CCDS or at random. */
export interface CalibrationRequest {
  readonly source: CalibrationSource;
  readonly method: 'ccds' | 'random';
  readonly samples: number;
  readonly seqLen: number;
  readonly seed: number;
  /** k-means clusters (CCDS); default `samples`. */
  readonly clusters?: number;
  /** Candidate windows embedded for CCDS (spread over the domains); bounds the embedding cost. */
  readonly candidates?: number;
  /** Block whose output embeds a window (CCDS); default the middle block. */
  readonly block?: number;
}

export interface CalibrationPointInfo {
  readonly x: number;
  readonly y: number;
  readonly cluster: number;
  readonly chosen: boolean;
  readonly domain: string;
}

export interface CalibrationInfo {
  readonly method: 'ccds' | 'random';
  readonly seed: number;
  readonly windows: number;
  readonly seqLen: number;
  readonly tokens: number;
  readonly candidates: number;
  /** Windows per domain. */
  readonly domains: Readonly<Record<string, number>>;
  /** Every candidate in the 2-D projection of its embedding, for the scatter plot. */
  readonly points: readonly CalibrationPointInfo[];
  /** The chosen windows' token ids: enough to rebuild the same set anywhere. */
  readonly ids: readonly (readonly number[])[];
  readonly ms: number;
}

/** A pruned export: the .onnx (and data file), the rewritten config.json, ready to zip. */
export interface PrunedFiles {
  readonly drop: readonly number[];
  readonly keep: readonly number[];
  readonly onnxName: string;
  readonly onnx: Uint8Array;
  readonly dataName: string | null;
  readonly data: Uint8Array | null;
  readonly config: Record<string, unknown> | null;
  /** The tokenizer and other files that travel with the model, as loaded. */
  readonly extras: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface GeneratedText {
  readonly text: string;
  readonly tokens: number;
  readonly ms: number;
  readonly tokensPerSecond: number;
}

/** The same prompt continued by the original and by the pruned model. */
export interface SideBySide {
  readonly prompt: string;
  readonly drop: readonly number[];
  readonly original: GeneratedText;
  readonly pruned: GeneratedText;
}

export interface VerifyResult {
  readonly ppl: number;
  readonly nll: number;
  readonly tokens: number;
  readonly ms: number;
}

export interface EvaluateProgress {
  readonly done: number;
  readonly total: number;
  readonly result: EvalResult;
}

export type { EvalRequest, EvalResult };

/** The worker's answer to the page's heartbeat. */
export interface Heartbeat {
  /** While a batch is being scored: ms since its last finished pattern (or its start); else null. */
  readonly evaluatingSilentMs: number | null;
}

/** How a model is loaded: what the GPU adapter can do, and (when restoring) which model it must be. */
export interface LoadOptions {
  readonly shaderF16?: boolean;
  /** Refuse, before the loaded model is replaced, a file whose fingerprint differs. */
  readonly expectFingerprint?: string;
}
