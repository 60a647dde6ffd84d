import { mkdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { softmaxTopK } from '../src/core/evaluate/top-k';
import { loadTokenizer } from '../src/core/tokenize/tokenizer';
import { createSession, lastTokenLogits } from '../src/runtime/session';
import { openSession, type Session } from './browser';

ort.env.wasm.numThreads = 1;
const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

// Two prompts whose answers differ, so a worker that returned a fixed or stale answer fails.
const PROMPTS = ['And God said unto', 'The Congress of the United'];

interface Top {
  id: number;
  prob: number;
}

/** The independent computation: the served model file run in Node by onnxruntime-web (wasm). */
async function nodeTop5(prompt: string): Promise<Top[]> {
  const tok = loadTokenizer(JSON.parse(readFileSync('dist/models/demo/tokenizer.json', 'utf8')));
  const handle = await createSession(new Uint8Array(readFileSync('dist/models/demo/model.onnx')), 'wasm');
  try {
    return softmaxTopK(await lastTokenLogits(handle, tok.encode(prompt)), 5).map(({ id, prob }) => ({ id, prob }));
  } finally {
    await handle.session.release();
  }
}

async function browserTop5(s: Session, prompt: string): Promise<Top[]> {
  const { page } = s;
  await page.getByLabel('Prompt', { exact: true }).fill(prompt);
  await page.getByRole('button', { name: 'Predict next token' }).click();
  const table = page.locator(`[data-testid="prediction"][data-prompt="${prompt}"]`);
  await table.waitFor({ timeout: 180_000 });
  return table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => ({ id: Number(r.getAttribute('data-token-id')), prob: Number(r.getAttribute('data-prob')) })),
    );
}

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('the first screen in headless Chromium', () => {
  it('loads with zero console errors and a filled preflight panel', async () => {
    session = await openSession(inject('baseURL'));
    await session.page.goto('/');
    await session.page.getByTestId('backend-choice').waitFor();
    await session.page.screenshot({ path: `${ARTIFACTS}/first-screen.png`, fullPage: true });
    expect(await session.page.locator('[data-fact=secure-context] td').textContent()).toBe('yes');
    expect(await session.page.locator('[data-fact=isolated] td').textContent()).toBe('yes');
    expect(session.errors).toEqual([]);
  });

  it('shows the WebGPU adapter that --enable-unsafe-webgpu exposes', async () => {
    session = await openSession(inject('baseURL'));
    await session.page.goto('/');
    await session.page.getByTestId('backend-choice').waitFor();
    expect(await session.page.locator('[data-fact=webgpu-api] td').textContent()).toBe('present');
    const adapter = await session.page.locator('[data-fact=adapter] td').textContent();
    expect(adapter).not.toBe('none');
    expect(adapter?.length).toBeGreaterThan(0);
    // SwiftShader is a CPU fallback; the panel must say so and auto must avoid it.
    const fallback = await session.page.locator('[data-fact=fallback] td').textContent();
    expect(['yes', 'no']).toContain(fallback);
    expect(await session.page.locator('[data-fact=max-storage] td').textContent()).toMatch(/MiB$/);
    if (fallback === 'yes') {
      expect(await session.page.getByTestId('backend-choice').getAttribute('data-backend')).toBe('wasm');
    }
  });
});

describe.each(['wasm', 'webgpu'] as const)('demo model next-token prediction on %s', (backend) => {
  let expected: Top[][];
  beforeAll(async () => {
    expected = await Promise.all(PROMPTS.map(nodeTop5));
    expect(expected[0]![0]!.id).not.toBe(expected[1]![0]!.id);
  });

  it(`top-5 in the worker equals onnxruntime-web in Node (${backend})`, async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    await page.goto('/');
    await page.getByTestId('backend-choice').waitFor();
    await page.getByLabel('Backend').selectOption(backend);
    expect(await page.getByTestId('backend-choice').getAttribute('data-backend')).toBe(backend);
    await page.getByRole('button', { name: 'Load demo model' }).click();
    await page.getByTestId('model-ready').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('model-ready').getAttribute('data-backend')).toBe(backend);
    // The default CCDS calibration starts after loading; on SwiftShader it would take minutes and
    // queue the prediction behind it, so a tiny random set supersedes it.
    const cal = page.getByRole('region', { name: 'Calibration' });
    await cal.getByLabel('Method').selectOption('random');
    await cal.getByLabel('Samples').fill('2');
    await cal.getByLabel('Tokens per sample').fill('32');
    await cal.getByRole('button', { name: 'Build calibration set' }).click();
    await page.locator('[data-testid=calibration-ready][data-windows="2"]').waitFor({ timeout: 180_000 });

    for (const [i, prompt] of PROMPTS.entries()) {
      const got = await browserTop5(session, prompt);
      const want = expected[i]!;
      expect(got.map((t) => t.id)).toEqual(want.map((t) => t.id));
      got.forEach((t, j) => expect(Math.abs(t.prob - want[j]!.prob)).toBeLessThan(1e-3));
    }
    await page.screenshot({ path: `${ARTIFACTS}/prediction-${backend}.png`, fullPage: true });
    expect(session.errors).toEqual([]);
  });
});
