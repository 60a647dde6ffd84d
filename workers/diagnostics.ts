/**
 * What the evaluation worker holds in memory, measured from inside: live WebGPU buffer bytes
 * (every `createBuffer` adds, every `destroy` subtracts), the size of onnxruntime's wasm memory,
 * and whether the GPU device onnxruntime uses was lost. Installed before onnxruntime starts, so it
 * sees every buffer and memory it creates. Long runs report these figures (issue 9: memory stays
 * flat); a lost device turns into a `device-lost` error the page recovers from on wasm.
 *
 * The object is also on `globalThis.evopDiagnostics`, where a test driving the browser can read it
 * (and destroy the device to check the fallback).
 */
export interface WorkerDiagnostics {
  gpuLiveBytes: number;
  gpuLiveBuffers: number;
  gpuPeakBytes: number;
  gpuBuffersCreated: number;
  /** The device onnxruntime creates buffers on (the first one seen). */
  device: GPUDevice | null;
  /** Why the device was lost, once it was. */
  deviceLost: string | null;
  readonly wasmMemories: WebAssembly.Memory[];
  /** The figures as plain data (what a test or bench reads through `globalThis.evopDiagnostics`). */
  report(): DiagnosticsReport;
}

export interface DiagnosticsReport {
  readonly gpuLiveBytes: number;
  readonly gpuLiveBuffers: number;
  readonly gpuPeakBytes: number;
  readonly gpuBuffersCreated: number;
  /** Bytes of onnxruntime's wasm memory (it only grows; flat means no leak inside wasm). */
  readonly wasmBytes: number;
  readonly deviceLost: string | null;
}

export function installDiagnostics(scope: typeof globalThis = globalThis): WorkerDiagnostics {
  const diag: WorkerDiagnostics = {
    gpuLiveBytes: 0,
    gpuLiveBuffers: 0,
    gpuPeakBytes: 0,
    gpuBuffersCreated: 0,
    device: null,
    deviceLost: null,
    wasmMemories: [],
    report: () => reportDiagnostics(diag),
  };
  const g = scope as typeof globalThis & {
    GPUDevice?: typeof GPUDevice;
    GPUBuffer?: typeof GPUBuffer;
    evopDiagnostics?: WorkerDiagnostics;
  };
  if (g.GPUDevice && g.GPUBuffer) {
    const sizes = new WeakMap<GPUBuffer, number>();
    const create = g.GPUDevice.prototype.createBuffer;
    g.GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
      const buffer = create.call(this, descriptor);
      if (!diag.device) {
        diag.device = this;
        void this.lost.then((info) => {
          diag.deviceLost = info.message || `reason: ${String(info.reason)}`;
        });
      }
      sizes.set(buffer, descriptor.size);
      diag.gpuLiveBytes += descriptor.size;
      diag.gpuLiveBuffers++;
      diag.gpuBuffersCreated++;
      diag.gpuPeakBytes = Math.max(diag.gpuPeakBytes, diag.gpuLiveBytes);
      return buffer;
    };
    const destroy = g.GPUBuffer.prototype.destroy;
    g.GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
      const size = sizes.get(this);
      if (size !== undefined) {
        sizes.delete(this);
        diag.gpuLiveBytes -= size;
        diag.gpuLiveBuffers--;
      }
      destroy.call(this);
    };
  }
  // onnxruntime's module creates its memory with `new WebAssembly.Memory` (threaded build) or
  // exports it from the instance; catch both without changing what onnxruntime sees.
  const wasm = g.WebAssembly;
  const keep = (m: unknown) => {
    if (m instanceof wasm.Memory && !diag.wasmMemories.includes(m)) diag.wasmMemories.push(m);
  };
  wasm.Memory = new Proxy(wasm.Memory, {
    construct(target, args: [WebAssembly.MemoryDescriptor]) {
      const m = Reflect.construct(target, args) as WebAssembly.Memory;
      keep(m);
      return m;
    },
  });
  const fromResult = (r: WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance) => {
    const instance = 'instance' in r ? r.instance : r;
    for (const v of Object.values(instance.exports)) keep(v);
    return r;
  };
  const instantiate = wasm.instantiate.bind(wasm) as (...a: unknown[]) => Promise<WebAssembly.Instance>;
  wasm.instantiate = ((...a: unknown[]) => instantiate(...a).then(fromResult)) as typeof wasm.instantiate;
  if (wasm.instantiateStreaming) {
    const streaming = wasm.instantiateStreaming.bind(wasm);
    wasm.instantiateStreaming = ((...a: Parameters<typeof streaming>) =>
      streaming(...a).then(fromResult)) as typeof wasm.instantiateStreaming;
  }
  g.evopDiagnostics = diag;
  return diag;
}

function reportDiagnostics(diag: WorkerDiagnostics): DiagnosticsReport {
  return {
    gpuLiveBytes: diag.gpuLiveBytes,
    gpuLiveBuffers: diag.gpuLiveBuffers,
    gpuPeakBytes: diag.gpuPeakBytes,
    gpuBuffersCreated: diag.gpuBuffersCreated,
    wasmBytes: diag.wasmMemories.reduce((s, m) => s + m.buffer.byteLength, 0),
    deviceLost: diag.deviceLost,
  };
}
