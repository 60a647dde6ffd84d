import type { Backend } from './backend';

/** What the preflight learned about this browser; plain data so the choice is testable in Node. */
export interface PreflightReport {
  readonly secureContext: boolean;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  /** `navigator.gpu` exists. */
  readonly webgpuApi: boolean;
  /** null when `requestAdapter()` gave none (or threw: see `adapterError`). */
  readonly adapter: AdapterReport | null;
  readonly adapterError?: string;
}

export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software (CPU) implementation such as SwiftShader. */
  readonly isFallbackAdapter: boolean;
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
  readonly shaderF16: boolean;
}

export type BackendPreference = 'auto' | Backend;

export interface BackendChoice {
  readonly backend: Backend;
  readonly reason: string;
}

const MiB = 1024 * 1024;

/**
 * Picks the backend the lab will use and says why, in words a user can act on.
 * A fallback adapter is real WebGPU but runs shaders on the CPU, about 100x slower than wasm
 * here, so `auto` prefers wasm over it; the user can still force it.
 */
export function chooseBackend(report: PreflightReport, preference: BackendPreference = 'auto'): BackendChoice {
  if (preference === 'wasm') return { backend: 'wasm', reason: 'You chose wasm (CPU).' };
  if (preference === 'webgpu') {
    if (!report.webgpuApi) {
      return { backend: 'wasm', reason: 'You chose WebGPU, but this browser has no navigator.gpu; using wasm (CPU).' };
    }
    if (!report.adapter) {
      return { backend: 'wasm', reason: 'You chose WebGPU, but no GPU adapter was granted; using wasm (CPU).' };
    }
    return {
      backend: 'webgpu',
      reason: report.adapter.isFallbackAdapter
        ? 'You chose WebGPU on a software fallback adapter: correct but much slower than wasm.'
        : 'You chose WebGPU.',
    };
  }
  if (!report.secureContext) {
    return {
      backend: 'wasm',
      reason: 'The page is not a secure context (use https or localhost), so WebGPU is off; using wasm (CPU).',
    };
  }
  if (!report.webgpuApi) {
    return {
      backend: 'wasm',
      reason: 'This browser does not expose WebGPU (navigator.gpu); using wasm (CPU). Chrome or Edge 113+ have it.',
    };
  }
  if (!report.adapter) {
    return {
      backend: 'wasm',
      reason: `WebGPU exists but no adapter was granted${report.adapterError ? ` (${report.adapterError})` : ''}; using wasm (CPU).`,
    };
  }
  if (report.adapter.isFallbackAdapter) {
    return {
      backend: 'wasm',
      reason:
        'The only WebGPU adapter is a software fallback (runs on the CPU, far slower than wasm); using wasm. You can still choose WebGPU.',
    };
  }
  if (report.adapter.maxStorageBufferBindingSize < 128 * MiB) {
    return {
      backend: 'wasm',
      reason: `The GPU allows storage buffers of only ${Math.round(report.adapter.maxStorageBufferBindingSize / MiB)} MiB, too small for model weights; using wasm (CPU).`,
    };
  }
  return {
    backend: 'webgpu',
    reason: `Using WebGPU on ${report.adapter.vendor || 'the GPU'}${report.adapter.architecture ? ` (${report.adapter.architecture})` : ''}.`,
  };
}
