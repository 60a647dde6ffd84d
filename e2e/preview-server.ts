import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const VITE = 'node_modules/vite/bin/vite.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`vite preview did not answer at ${url} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface PreviewServer {
  readonly baseURL: string;
  stop(): Promise<void>;
}

/** `vite preview` of a built folder on a free loopback port (cross-origin isolated, as users get it). */
export async function startPreview(outDir = 'dist'): Promise<PreviewServer> {
  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const baseURL = `http://127.0.0.1:${port}/`;
  try {
    await waitFor(baseURL, 30_000);
  } catch (e) {
    server.kill('SIGTERM');
    throw e;
  }
  return {
    baseURL,
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    },
  };
}
