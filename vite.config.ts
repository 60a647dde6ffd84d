/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Multi-threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Content-Security-Policy of the built app. Everything comes from the app's own origin; wasm
 * compilation is allowed ('wasm-unsafe-eval', not 'unsafe-eval'); no plugin, no inline script,
 * no form posts, no framing. `connect-src 'self'` is also the guard that models and text never
 * leave the machine: the browser refuses any request to another origin. blob:/data: cover the
 * exported files and onnxruntime's own worker threads.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** What a host should send with every file of the built app. */
function hostHeaders(): Record<string, string> {
  return {
    ...isolation,
    'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
  };
}

/** The policy as a <meta> in the built pages (any static host), never in dev (React refresh injects inline code). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'evop:csp',
    apply: 'build',
    // Static hosts that read a _headers file (Netlify, Cloudflare Pages) get the same headers as the preview.
    generateBundle() {
      const headers = Object.entries(hostHeaders()).map(([k, v]) => `  ${k}: ${v}`);
      this.emitFile({ type: 'asset', fileName: '_headers', source: ['/*', ...headers, ''].join('\n') });
    },
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

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
  plugins: [react(), browserOrt(mode), contentSecurityPolicy()],
  server: { headers: isolation },
  // The preview serves the built app as a host should: the policy also as a header, so it covers
  // the worker scripts too (a <meta> only governs its document), and framing is refused.
  preview: { headers: hostHeaders() },
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
