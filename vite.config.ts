/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Multi-threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// In the browser the lab uses onnxruntime-web's /webgpu build (native WebGPU EP + wasm). The default
// build's JSEP WebGPU EP gave wrong logits for the demo model in 1.30.0 (top-1 probability 0.32 vs
// 0.38 on wasm) while the native EP matches wasm; maintainers point to the native EP for such
// mismatches (microsoft/onnxruntime#24070). Node (Vitest, mode 'test'; the CLI) keeps the node build.
function browserOrt(mode: string): Plugin {
  return {
    name: 'evop:onnxruntime-web-webgpu',
    enforce: 'pre',
    resolveId(id, importer) {
      if (mode === 'test' || id !== 'onnxruntime-web') return null;
      return this.resolve('onnxruntime-web/webgpu', importer, { skipSelf: true });
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), browserOrt(mode)],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es', plugins: () => [browserOrt(mode)] },
  // onnxruntime-web loads its own .mjs/.wasm at run time; pre-bundling breaks those URLs.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // bench.html: the evaluation benchmark's page, driven headless by `npm run bench -- eval`.
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // onnxruntime-web's wasm backend is single-process heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
  },
}));
