/** Paths of the project's own copies of the shared fixtures (tests never read ../shared). */
import { readFileSync } from 'node:fs';

export const FIXTURES = 'test-fixtures';
export const DEMO = 'public/models/demo';

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export const GENAI_GPT2 = `${FIXTURES}/genai/test_models_hf-internal-testing_tiny-random-gpt2-fp32_past.onnx`;
export const GENAI_QWEN35 = `${FIXTURES}/genai/test_models_hf-internal-testing_tiny-qwen35-cuda_decoder.onnx`;
export const GENAI_LFM2 = `${FIXTURES}/genai/test_models_hf-internal-testing_tiny-random-lfm2-fp32_decoder.onnx`;
export const GENAI_STUBS = [
  'test_models_engine_dummy-decoder_decoder.onnx',
  'test_models_phi3-v_dummy_text.onnx',
  'test_models_qwen2-5-vl_dummy_text.onnx',
  'test_models_qwen3-vl_dummy_text.onnx',
].map((f) => `${FIXTURES}/genai/${f}`);
