import { describe, expect, it } from 'vitest';
import { backendForModel, usesFloat16, type ModelDtypes } from './model-backend';

const fp32: ModelDtypes = {
  dtypes: { float32: 1000, int64: 2 },
  inputs: [{ dtype: 'int64' }],
  outputs: [{ dtype: 'float32' }],
};
const fp16Weights: ModelDtypes = { ...fp32, dtypes: { float16: 1000, float32: 10 } };
const fp16Io: ModelDtypes = { ...fp32, outputs: [{ dtype: 'float16' }] };

describe('backendForModel', () => {
  it('runs a float16 model on wasm when the WebGPU adapter has no shader-f16, and says so', () => {
    expect(backendForModel('webgpu', { shaderF16: false }, fp16Weights)).toEqual({
      backend: 'wasm',
      notice:
        'This model stores float16 weights and this GPU adapter has no shader-f16: running on wasm (CPU) instead.',
    });
    expect(backendForModel('webgpu', { shaderF16: false }, fp16Io).backend).toBe('wasm');
  });

  it('keeps WebGPU when the adapter has shader-f16 or the model has no float16', () => {
    expect(backendForModel('webgpu', { shaderF16: true }, fp16Weights)).toEqual({ backend: 'webgpu', notice: null });
    expect(backendForModel('webgpu', { shaderF16: false }, fp32)).toEqual({ backend: 'webgpu', notice: null });
  });

  it('keeps wasm, and keeps the choice when the adapter was not described', () => {
    expect(backendForModel('wasm', { shaderF16: false }, fp16Weights)).toEqual({ backend: 'wasm', notice: null });
    expect(backendForModel('webgpu', {}, fp16Weights)).toEqual({ backend: 'webgpu', notice: null });
  });

  it('counts float16 weights and float16 inputs or outputs, not other 16-bit types', () => {
    expect([fp32, fp16Weights, fp16Io].map(usesFloat16)).toEqual([false, true, true]);
    expect(usesFloat16({ ...fp32, dtypes: { bfloat16: 10, int16: 4, float16: 0 } })).toBe(false);
  });
});
