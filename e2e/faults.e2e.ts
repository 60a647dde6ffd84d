import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser';
import { DEMO_FILES, evaluationWorker, openLab, stripPerplexity, type LabSetup } from './lab-page';
import { nodeEpps, nodeSearch, randomCalibration } from './node-reference';
import type { SearchSettings } from '../src/store/search-params';

/**
 * Faults injected into a running search, each from outside the app (Playwright reaches into the
 * evaluation worker): a crash, a hang, a worker that silently exits, a lost GPU device, a reload
 * and a closed tab. Each time the search must end where the same seed ends in Node, untroubled.
 */
const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const onnx = () => new Uint8Array(readFileSync(DEMO_FILES[0]!));

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

type Epps = Omit<SearchSettings, 'method'>;

async function startEpps(page: Page, e: Epps): Promise<void> {
  const search = page.getByRole('region', { name: 'Search' });
  await search.getByLabel('Blocks to remove').fill(String(e.k));
  await search.getByLabel('Population').fill(String(e.population));
  await search.getByLabel('Generations').fill(String(e.generations));
  await search.getByLabel('Budget (evaluations)').fill(String(e.budget));
  await search.getByLabel('Seed').fill(String(e.seed));
  await search.getByLabel('Staged selection').setChecked(e.staged);
  await search.getByRole('button', { name: 'Play' }).click();
}

async function untilGeneration(page: Page, g: number): Promise<void> {
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-testid=run-status]')?.getAttribute('data-generation') || -1) >= want,
    g,
    { timeout: 240_000 },
  );
}

async function untilFaults(page: Page, n: number): Promise<void> {
  await page.locator(`[data-testid=fault-log][data-count="${n}"]`).waitFor({ timeout: 120_000 });
}

async function pageResult(page: Page) {
  await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 300_000 });
  const el = page.getByTestId('run-result');
  return {
    drop: (await el.getAttribute('data-drop'))!.split(',').map(Number),
    ppl: Number(await el.getAttribute('data-ppl')),
    evaluations: Number(await el.getAttribute('data-evaluations')),
    generations: Number(await page.getByTestId('ppl-chart').getAttribute('data-points')),
  };
}

async function expectSameAsNode(page: Page, setup: LabSetup, epps: Epps) {
  const shown = await pageResult(page);
  const windows = randomCalibration(setup.samples, setup.seqLen, setup.calSeed);
  const node = await nodeEpps(onnx(), windows, epps);
  expect(shown.drop).toEqual(node.drop);
  expect(Math.abs(shown.ppl - node.ppl) / node.ppl).toBeLessThan(1e-4);
  expect(shown.evaluations).toBeCloseTo(node.evaluations, 9);
  // One chart point per finished generation, the initial population included.
  expect(shown.generations).toBe(node.history.length);
  return shown;
}

/** Errors the page logged that the test did not cause itself. */
const unexpected = (errors: string[]) => errors.filter((e) => !/injected|evaluation worker|GPU device|lost/i.test(e));

describe('a search survives its worker', () => {
  it('a crash, a hang and a silent exit of the worker: each replaced, the run ends as in Node', async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    const setup: LabSetup = { backend: 'wasm', samples: 4, seqLen: 64, calSeed: 5 };
    const epps: Epps = { k: 3, population: 6, generations: 6, budget: 60, seed: 3, staged: true };
    await openLab(page, setup);
    await startEpps(page, epps);

    await untilGeneration(page, 1);
    // Crash: an uncaught error in the worker.
    await evaluationWorker(page).evaluate(() => {
      setTimeout(() => {
        throw new Error('injected crash');
      });
    });
    await untilFaults(page, 1);
    await untilGeneration(page, 2);
    // Hang: the worker busy forever in one call (the watchdog notices the silence).
    void evaluationWorker(page)
      .evaluate(() => {
        for (;;) {
          /* spin */
        }
      })
      .catch(() => undefined);
    await untilFaults(page, 2);
    await untilGeneration(page, 3);
    // Silent exit: the worker closes itself and never answers again.
    await evaluationWorker(page)
      .evaluate(() => self.close())
      .catch(() => undefined);
    await untilFaults(page, 3);

    await expectSameAsNode(page, setup, epps);
    const kinds = await page
      .locator('[data-testid=fault-log] li')
      .evaluateAll((li) => li.map((l) => l.getAttribute('data-kind')));
    expect(kinds).toEqual(['crash', 'hang', 'hang']);

    // A worker that dies while the lab is idle: the next click on the strip replaces it.
    await evaluationWorker(page)
      .evaluate(() => self.close())
      .catch(() => undefined);
    const scored = stripPerplexity(page, [5]);
    await untilFaults(page, 4);
    expect(await scored).toBeGreaterThan(1);
    // And once more for a prediction: the answer comes from a fresh worker.
    await evaluationWorker(page)
      .evaluate(() => self.close())
      .catch(() => undefined);
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('The Congress of the United');
    await page.getByRole('button', { name: 'Predict next token' }).click();
    await page
      .locator('[data-testid=prediction][data-prompt="The Congress of the United"]')
      .waitFor({ timeout: 120_000 });
    await untilFaults(page, 5);
    await page.screenshot({ path: `${ARTIFACTS}/faults-worker.png`, fullPage: true });
    expect(unexpected(session.errors)).toEqual([]);
  });

  it('a lost WebGPU device: the search continues on wasm and ends as in Node', async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    // Small: WebGPU in headless Chromium is SwiftShader, about 100x slower than wasm.
    const setup: LabSetup = { backend: 'webgpu', samples: 2, seqLen: 16, calSeed: 1 };
    const epps: Epps = { k: 2, population: 4, generations: 4, budget: 30, seed: 2, staged: true };
    await openLab(page, setup);
    expect(await page.getByTestId('model-ready').getAttribute('data-backend')).toBe('webgpu');
    await startEpps(page, epps);
    await untilGeneration(page, 0);
    const destroyed = await evaluationWorker(page).evaluate(() => {
      const d = (self as unknown as { evopDiagnostics: { device: GPUDevice | null } }).evopDiagnostics.device;
      d?.destroy();
      return d !== null;
    });
    expect(destroyed).toBe(true);
    await untilFaults(page, 1);
    expect(await page.locator('[data-testid=fault-log] li').getAttribute('data-kind')).toBe('device-lost');
    await page.locator('[data-testid=model-ready][data-backend=wasm]').waitFor();
    await expectSameAsNode(page, setup, epps);
    await page.screenshot({ path: `${ARTIFACTS}/faults-device-lost.png`, fullPage: true });
    expect(unexpected(session.errors)).toEqual([]);
  });
});

describe('a search survives its page', () => {
  it('a reload and a closed tab: the search resumes from the last finished generation (model from OPFS)', async () => {
    session = await openSession(inject('baseURL'));
    let page = session.page;
    const setup: LabSetup = { backend: 'wasm', samples: 4, seqLen: 64, calSeed: 5, files: true };
    const epps: Epps = { k: 3, population: 6, generations: 8, budget: 80, seed: 4, staged: true };
    await openLab(page, setup);
    await startEpps(page, epps);
    // Reload once the state after generation 2 is stored (the page says so).
    // Reload once a few steps are stored (each step is a batch of 32 patterns, well under a second here).
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=run-saved]')?.getAttribute('data-generation') ?? 0) >= 2,
      null,
      { timeout: 120_000, polling: 50 },
    );
    await page.reload();
    const saved = page.getByTestId('saved-run');
    await saved.waitFor({ timeout: 30_000 });
    const at = Number(await saved.getAttribute('data-generation'));
    expect(at).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/resume-offer.png`, fullPage: true });
    await saved.getByRole('button', { name: 'Resume search' }).click();
    // The charts come back with the generations already run, then the run goes on.
    await untilGeneration(page, at + 1);
    expect(Number(await page.getByTestId('ppl-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(at + 2);

    await page.locator(`[data-testid=run-saved][data-generation="${at + 2}"]`).waitFor({ timeout: 120_000 });
    await page.close();
    page = await session.context.newPage();
    await page.goto('/');
    await page.getByTestId('saved-run').waitFor({ timeout: 30_000 });
    // Without the copy in OPFS (cleared, or a browser without it) the lab asks for the files.
    await page.evaluate(async () =>
      (await navigator.storage.getDirectory()).removeEntry('models', { recursive: true }),
    );
    await page.getByTestId('saved-run').getByRole('button', { name: 'Resume search' }).click();
    await page.getByTestId('resume-error').waitFor();
    expect(await page.getByTestId('resume-error').textContent()).toBe(
      'Open model.onnx again (with its tokenizer.json and any .onnx_data) to resume: this browser did not keep a copy.',
    );
    // Another model is refused before anything is replaced; the offer stays.
    const expected = await page.getByTestId('saved-run').getAttribute('data-fingerprint');
    await page.getByTestId('resume-files').setInputFiles(['test-fixtures/llama-tiny.onnx', DEMO_FILES[1]!]);
    await expect
      .poll(() => page.getByTestId('resume-error').textContent(), { timeout: 60_000 })
      .toMatch(
        new RegExp(
          `^Could not load the model again: llama-tiny\\.onnx is not the model this was done with \\(fingerprint [0-9a-f]{16}, expected ${expected}\\)\\. Open the same model's files\\.$`,
        ),
      );
    expect(await page.getByTestId('model-ready').count()).toBe(0);
    await page.getByTestId('resume-files').setInputFiles(DEMO_FILES);
    await expectSameAsNode(page, setup, epps);
    // A finished search leaves nothing to resume.
    await page.reload();
    await page.getByTestId('backend-choice').waitFor();
    await page.waitForTimeout(1000);
    expect(await page.getByTestId('saved-run').count()).toBe(0);
  });

  it('a random search resumes after a reload too, and ends as in Node', async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    const setup: LabSetup = { backend: 'wasm', samples: 2, seqLen: 16, calSeed: 3 };
    await openLab(page, setup);
    const search = page.getByRole('region', { name: 'Search' });
    await search.getByLabel('Method').selectOption('random');
    await search.getByLabel('Blocks to remove').fill('4');
    await search.getByLabel('Budget (evaluations)').fill('1024');
    await search.getByLabel('Seed').fill('6');
    await search.getByRole('button', { name: 'Play' }).click();
    // Reload once a few steps are stored (each step is a batch of 32 patterns, well under a second here).
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=run-saved]')?.getAttribute('data-generation') ?? 0) >= 2,
      null,
      { timeout: 120_000, polling: 50 },
    );
    await page.reload();
    const saved = page.getByTestId('saved-run');
    await saved.waitFor({ timeout: 30_000 });
    expect(await saved.getAttribute('data-method')).toBe('random');
    const at = Number(await saved.getAttribute('data-generation'));
    expect(at).toBeGreaterThanOrEqual(2);
    await saved.getByRole('button', { name: 'Resume search' }).click();
    await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 300_000 });
    const el = page.getByTestId('run-result');
    const node = await nodeSearch(
      onnx(),
      randomCalibration(setup.samples, setup.seqLen, setup.calSeed),
      'random',
      { k: 4, evaluationBudget: 1024 },
      6,
    );
    expect((await el.getAttribute('data-drop'))!.split(',').map(Number)).toEqual(node.drop);
    expect(Math.abs(Number(await el.getAttribute('data-ppl')) - node.ppl) / node.ppl).toBeLessThan(1e-4);
    expect(Number(await el.getAttribute('data-evaluations'))).toBe(1024);
    expect(at).toBeLessThan(32);
    expect(unexpected(session.errors)).toEqual([]);
  });
});
