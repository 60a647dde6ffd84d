/** The execution providers the lab uses: WebGPU where a usable adapter exists, wasm otherwise. */
export type Backend = 'webgpu' | 'wasm';
