import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { findChrome } from './browser';
import { startPreview, type PreviewServer } from './preview-server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

let server: PreviewServer | undefined;

/**
 * Builds the app and serves it with `vite preview`; the harness starts and stops it itself.
 * `E2E_OUT_DIR` builds into another folder (two suites at once on one machine); `E2E_SKIP_BUILD=1`
 * serves what is already there.
 */
export async function setup(project: TestProject): Promise<void> {
  findChrome(); // fail early with the install hint
  const outDir = process.env.E2E_OUT_DIR || 'dist';
  if (process.env.E2E_SKIP_BUILD !== '1') {
    const build = spawnSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
      { stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error('vite build failed; see the output above.');
  }
  server = await startPreview(outDir);
  project.provide('baseURL', server.baseURL);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
