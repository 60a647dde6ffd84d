import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { DiagnosticsReport } from '../workers/diagnostics';
import { openSession, type Session } from './browser';
import { evaluationWorker, openLab } from './lab-page';
import { nodeSearch, randomCalibration } from './node-reference';

/**
 * A long search in the lab, driven through its UI: random search over k = 4 of the demo's 16
 * blocks with a budget of N full evaluations (N distinct patterns), on a tiny calibration set so
 * the run is about the evaluator's bookkeeping, not its arithmetic. Memory is read after the
 * first ~100 evaluations (the run paused) and at the end: the JS heaps of the page and the
 * worker (`performance.measureUserAgentSpecificMemory`, which collects garbage first),
 * onnxruntime's wasm memory and the live WebGPU buffer bytes (counted in the worker). The result
 * must equal the same seed run in Node.
 *
 * Defaults: 1,000 evaluations on wasm, 300 on WebGPU (SwiftShader here: ~0.4 s per evaluation).
 * `LONG_RUN_EVALUATIONS=1000 LONG_RUN_BACKENDS=webgpu` runs the long WebGPU measurement.
 */
const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const SAMPLES = 2;
const SEQ = 16;
const CAL_SEED = 3;
const K = 4;
const SEED = 9;
const backends = (process.env.LONG_RUN_BACKENDS ?? 'wasm,webgpu').split(',') as ('wasm' | 'webgpu')[];
const budgetFor = (b: 'wasm' | 'webgpu') => Number(process.env.LONG_RUN_EVALUATIONS ?? (b === 'wasm' ? 1000 : 300));

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface MemorySample {
  readonly evaluations: number;
  readonly pageJsBytes: number;
  readonly workerJsBytes: number;
  readonly wasmBytes: number;
  readonly gpuLiveBytes: number;
  readonly gpuLiveBuffers: number;
}

async function sample(page: Page, evaluations: number): Promise<MemorySample> {
  const js = await page.evaluate(async () => {
    const m = await (
      performance as Performance & {
        measureUserAgentSpecificMemory(): Promise<{
          breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[];
        }>;
      }
    ).measureUserAgentSpecificMemory();
    let pageJs = 0;
    let workerJs = 0;
    for (const b of m.breakdown) {
      if (b.attribution.some((a) => a.url.includes('evaluate.worker'))) workerJs += b.bytes;
      else if (b.attribution.some((a) => a.scope === 'Window')) pageJs += b.bytes;
    }
    return { pageJs, workerJs };
  });
  const d = await evaluationWorker(page).evaluate(() =>
    (self as unknown as { evopDiagnostics: { report(): DiagnosticsReport } }).evopDiagnostics.report(),
  );
  return {
    evaluations,
    pageJsBytes: js.pageJs,
    workerJsBytes: js.workerJs,
    wasmBytes: d.wasmBytes,
    gpuLiveBytes: d.gpuLiveBytes,
    gpuLiveBuffers: d.gpuLiveBuffers,
  };
}

const shownEvaluations = async (page: Page) =>
  Number(/([\d.]+) evaluations/.exec((await page.getByTestId('run-status').textContent()) ?? '')?.[1] ?? 0);

const MiB = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

describe.each(backends)('a long search on %s', (backend) => {
  const budget = budgetFor(backend);
  it(
    `${budget} evaluations: memory stays flat and the result equals Node's with the same seed`,
    async () => {
      session = await openSession(inject('baseURL'));
      const { page } = session;
      await openLab(page, { backend, samples: SAMPLES, seqLen: SEQ, calSeed: CAL_SEED });
      expect(await page.getByTestId('model-ready').getAttribute('data-backend')).toBe(backend);
      const search = page.getByRole('region', { name: 'Search' });
      await search.getByLabel('Method').selectOption('random');
      await search.getByLabel('Blocks to remove').fill(String(K));
      await search.getByLabel('Budget (evaluations)').fill(String(budget));
      await search.getByLabel('Seed').fill(String(SEED));
      const t0 = Date.now();
      await search.getByRole('button', { name: 'Play' }).click();

      // Pause after the first ~100 evaluations and read the memory there.
      await expect.poll(() => shownEvaluations(page), { timeout: 600_000, interval: 200 }).toBeGreaterThanOrEqual(100);
      await search.getByRole('button', { name: 'Pause' }).click();
      await page.locator('[data-testid=run-status][data-status=paused]').waitFor({ timeout: 120_000 });
      const early = await sample(page, await shownEvaluations(page));
      await search.getByRole('button', { name: 'Resume' }).click();
      await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 3_600_000 });
      const ms = Date.now() - t0;
      const late = await sample(page, Number(await page.getByTestId('run-result').getAttribute('data-evaluations')));

      const report = {
        backend,
        budget,
        calibration: `${SAMPLES} x ${SEQ} tokens`,
        ms,
        samples: [early, late].map((s) => ({
          evaluations: s.evaluations,
          pageJsMiB: MiB(s.pageJsBytes),
          workerJsMiB: MiB(s.workerJsBytes),
          wasmMiB: MiB(s.wasmBytes),
          gpuLiveMiB: MiB(s.gpuLiveBytes),
          gpuLiveBuffers: s.gpuLiveBuffers,
        })),
      };
      console.log(JSON.stringify(report));
      writeFileSync(`${ARTIFACTS}/long-run-${backend}.json`, JSON.stringify(report, null, 2));
      expect(late.evaluations).toBe(budget);

      // Flat: nothing that grows with the number of evaluations beyond the search's own memo
      // (about 200 bytes per pattern). Limits leave room for allocator and collector noise only.
      expect(late.wasmBytes).toBeLessThanOrEqual(early.wasmBytes * 1.05);
      expect(late.workerJsBytes - early.workerJsBytes).toBeLessThan(8 * 2 ** 20);
      expect(late.pageJsBytes - early.pageJsBytes).toBeLessThan(8 * 2 ** 20);
      if (backend === 'webgpu') {
        expect(early.gpuLiveBytes).toBeGreaterThan(0);
        expect(late.gpuLiveBytes).toBeLessThanOrEqual(early.gpuLiveBytes * 1.05);
      } else expect(late.gpuLiveBytes).toBe(0);

      const node = await nodeSearch(
        new Uint8Array(readFileSync('public/models/demo/model.onnx')),
        randomCalibration(SAMPLES, SEQ, CAL_SEED),
        'random',
        { k: K, evaluationBudget: budget },
        SEED,
      );
      const drop = (await page.getByTestId('run-result').getAttribute('data-drop'))!.split(',').map(Number);
      const ppl = Number(await page.getByTestId('run-result').getAttribute('data-ppl'));
      expect(drop).toEqual(node.drop);
      expect(Math.abs(ppl - node.ppl) / node.ppl).toBeLessThan(backend === 'wasm' ? 1e-4 : 1e-3);
      expect(node.evaluations).toBe(budget);
      expect(session.errors).toEqual([]);
    },
    120_000 + budget * (backend === 'wasm' ? 200 : 2_000),
  );
});
