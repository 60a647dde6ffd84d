import { describe, expect, it } from 'vitest';
import { chooseBackend, type AdapterReport, type PreflightReport } from './backend-choice';

const gpu: AdapterReport = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: '',
  isFallbackAdapter: false,
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 30,
  shaderF16: true,
};
const base: PreflightReport = {
  secureContext: true,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  webgpuApi: true,
  adapter: gpu,
};

describe('chooseBackend', () => {
  it('uses WebGPU on a real adapter', () => {
    expect(chooseBackend(base)).toEqual({ backend: 'webgpu', reason: 'Using WebGPU on nvidia (ampere).' });
  });
  it('prefers wasm over a software fallback adapter unless the user forces WebGPU', () => {
    const report = { ...base, adapter: { ...gpu, isFallbackAdapter: true } };
    expect(chooseBackend(report).backend).toBe('wasm');
    expect(chooseBackend(report).reason).toMatch(/software fallback/);
    expect(chooseBackend(report, 'webgpu').backend).toBe('webgpu');
  });
  it('falls back to wasm with the reason when WebGPU is missing, adapterless or insecure', () => {
    expect(chooseBackend({ ...base, webgpuApi: false, adapter: null }).reason).toMatch(/navigator\.gpu/);
    expect(chooseBackend({ ...base, adapter: null, adapterError: 'blocked' }).reason).toMatch(/no adapter.*blocked/);
    expect(chooseBackend({ ...base, secureContext: false }).reason).toMatch(/secure context/);
    expect(chooseBackend({ ...base, webgpuApi: false, adapter: null }, 'webgpu').backend).toBe('wasm');
  });
  it('refuses a GPU whose storage buffers cannot hold weights', () => {
    const r = chooseBackend({ ...base, adapter: { ...gpu, maxStorageBufferBindingSize: 64 * 2 ** 20 } });
    expect(r).toEqual({ backend: 'wasm', reason: expect.stringMatching(/64 MiB/) });
  });
});
