/**
 * Runs bench.html in headless Chromium: builds the app into a private folder (never the shared
 * dist/ that e2e serves), serves it with `vite preview` (cross-origin isolated, as users get it),
 * and reads the page's JSON result. Uses the e2e harness's Chromium launcher; never downloads one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../../e2e/browser';
import { startPreview } from '../../e2e/preview-server';
import { CliError } from './cli-error';

const VITE = 'node_modules/vite/bin/vite.js';

export interface BrowserBenchOptions {
  readonly query: Readonly<Record<string, string | number>>;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

/** The page's result object (an EvalBenchResult plus runtime details), or throws its error. */
export async function runBrowserBench({
  query,
  timeoutMs,
  log,
}: BrowserBenchOptions): Promise<Record<string, unknown>> {
  const outDir = mkdtempSync(join(tmpdir(), 'evop-bench-dist-'));
  try {
    log('building the app and bench.html (vite build) ...');
    // Output kept back unless the build fails: rolldown's timing notes would bury the table.
    const build = spawnSync(
      process.execPath,
      [VITE, 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'],
      { encoding: 'utf8' },
    );
    if (build.status !== 0) throw new CliError('io', `vite build failed:\n${build.stdout}${build.stderr}`);
    const server = await startPreview(outDir);
    try {
      const session = await openSession(server.baseURL);
      try {
        const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
        log(`running bench.html?${qs} in headless Chromium ...`);
        await session.page.goto(`bench.html?${qs}`);
        // Poll rather than waitFor: a page that dies on import never writes #result, and its
        // error (in session.errors) should end the wait at once, not after the timeout.
        const result = session.page.locator('#result');
        const until = Date.now() + timeoutMs;
        let shown = '';
        let crashed = false;
        session.page.on('crash', () => (crashed = true));
        while ((await result.count()) === 0) {
          if (crashed)
            throw new Error('the Chromium page crashed (out of memory?); with --threads above 1, try --threads 1.');
          if (session.errors.length > 0) throw new Error(`bench page error: ${session.errors.join('; ')}`);
          if (Date.now() > until)
            throw new Error(`bench page gave no result within ${timeoutMs / 1000} s (last status: ${shown}).`);
          const now = (await session.page.locator('#status').textContent()) ?? '';
          if (now !== shown) log(`  chromium: ${(shown = now)}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        const value = JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
        const error = value.error as { message?: string } | undefined;
        if (error) throw new Error(`bench page failed: ${error.message ?? 'unknown error'}`);
        return value;
      } finally {
        await session.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
