import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // One browser at a time: two cores, and WebGPU on SwiftShader is CPU-bound.
    fileParallelism: false,
  },
});
