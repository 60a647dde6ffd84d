import type { Backend } from './backend';

/** The dtypes a model summary reports (`ModelSummary` fits): parameters by storage type, graph inputs and outputs. */
export interface ModelDtypes {
  readonly dtypes: Readonly<Record<string, number>>;
  readonly inputs: readonly { readonly dtype: string }[];
  readonly outputs: readonly { readonly dtype: string }[];
}

/** What the GPU adapter can do; `shaderF16` undefined when the page did not say (then the choice stands). */
export interface AdapterFeatures {
  readonly shaderF16?: boolean;
}

export interface ModelBackend {
  readonly backend: Backend;
  /** Why the backend differs from the one chosen, in words for the user; null when it does not. */
  readonly notice: string | null;
}

export const FP16_FALLBACK_NOTICE =
  'This model stores float16 weights and this GPU adapter has no shader-f16: running on wasm (CPU) instead.';

/** The model computes in float16 somewhere: float16 weights, or float16 inputs or outputs. */
export function usesFloat16(model: ModelDtypes): boolean {
  return (
    (model.dtypes['float16'] ?? 0) > 0 ||
    model.inputs.some((t) => t.dtype === 'float16') ||
    model.outputs.some((t) => t.dtype === 'float16')
  );
}

/**
 * The backend a model's session runs on. WebGPU needs the adapter's `shader-f16` feature for
 * float16 tensors; without it onnxruntime-web cannot run such a model there, so it runs on wasm
 * and the lab says why.
 */
export function backendForModel(chosen: Backend, adapter: AdapterFeatures, model: ModelDtypes): ModelBackend {
  if (chosen === 'webgpu' && adapter.shaderF16 === false && usesFloat16(model)) {
    return { backend: 'wasm', notice: FP16_FALLBACK_NOTICE };
  }
  return { backend: chosen, notice: null };
}
