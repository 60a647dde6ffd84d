/**
 * Typed failures of the ONNX core. Every message names the file and says what the user can do
 * next, because these strings are shown verbatim in the UI and printed by the CLI.
 */
export type OnnxErrorCode =
  | 'not-onnx'
  | 'truncated'
  | 'stub-model'
  | 'no-blocks'
  | 'encoder-only'
  | 'control-flow'
  | 'missing-external-data'
  | 'external-data-size'
  | 'unsupported-graph'
  | 'bad-drop';

export class OnnxError extends Error {
  readonly code: OnnxErrorCode;
  constructor(code: OnnxErrorCode, message: string) {
    super(message);
    this.name = 'OnnxError';
    this.code = code;
  }
  toJSON(): { code: OnnxErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isOnnxError(e: unknown): e is OnnxError {
  return e instanceof OnnxError;
}
