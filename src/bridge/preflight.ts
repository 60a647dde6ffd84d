import type { AdapterReport, PreflightReport } from '../core/env/backend-choice';

/**
 * Probes what this browser offers. Runs on the main thread once at start; the result is plain
 * data that `chooseBackend` turns into a decision.
 */
export async function runPreflight(): Promise<PreflightReport> {
  const common = {
    secureContext: globalThis.isSecureContext === true,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ...common, webgpuApi: false, adapter: null };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ...common, webgpuApi: true, adapter: null };
    return { ...common, webgpuApi: true, adapter: describeAdapter(adapter) };
  } catch (e) {
    return { ...common, webgpuApi: true, adapter: null, adapterError: (e as Error).message };
  }
}

function describeAdapter(adapter: GPUAdapter): AdapterReport {
  // `info.isFallbackAdapter` replaced `adapter.isFallbackAdapter` (Chrome 136+); read both.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? legacy ?? false,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    shaderF16: adapter.features.has('shader-f16'),
  };
}
