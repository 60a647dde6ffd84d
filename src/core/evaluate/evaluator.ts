/**
 * The one question every search method asks: what is the calibration perplexity of the model
 * with these blocks removed? Implementations live in src/runtime (they run onnxruntime); the
 * search code in src/core/search only sees this interface.
 */
export interface EvalRequest {
  /** Removed blocks, ascending, distinct, each in [0, blocks). */
  readonly drop: readonly number[];
  /** Score only the first `windows` calibration windows (staged selection); default all. */
  readonly windows?: number;
}

export interface EvalResult {
  /** Canonical key of the pattern, `patternKey(drop)`: ascending ids joined by commas ('' = dense). */
  readonly patternKey: string;
  readonly drop: readonly number[];
  /** Windows scored and tokens predicted (windows x (seqLen - 1)). */
  readonly windows: number;
  readonly tokens: number;
  /** Mean negative log-likelihood per predicted token, natural log. */
  readonly nll: number;
  /** exp(nll). */
  readonly ppl: number;
  readonly ms: number;
}

export interface EvaluateOptions {
  readonly signal?: AbortSignal;
  /** Called after each finished pattern of the batch. */
  readonly onResult?: (result: EvalResult, done: number, total: number) => void;
}

export interface Evaluator {
  /** Number of transformer blocks of the loaded model. */
  readonly blocks: number;
  /** Calibration windows available (the full set). */
  readonly windows: number;
  /** Tokens per window. */
  readonly seqLen: number;
  evaluate(batch: readonly EvalRequest[], options?: EvaluateOptions): Promise<EvalResult[]>;
}

export function patternKey(drop: readonly number[]): string {
  return [...drop].sort((a, b) => a - b).join(',');
}
