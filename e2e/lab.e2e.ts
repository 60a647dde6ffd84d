import { mkdirSync, readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser';
import { openLab, stripPerplexity } from './lab-page';
import { nodePerplexity, randomCalibration } from './node-reference';

const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const SAMPLES = 4;
const SEQ = 64;
const SEED = 5;

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function openLabSession(backend: 'wasm' | 'webgpu'): Promise<Page> {
  session = await openSession(inject('baseURL'));
  await openLab(session.page, { backend, samples: SAMPLES, seqLen: SEQ, calSeed: SEED });
  return session.page;
}

describe('the lab in Chromium', () => {
  it('demo -> calibration -> blocks -> a short EPPS run -> export; the zip scores in Node what the page showed', async () => {
    const page = await openLabSession('wasm');
    // Models and text never leave the machine: from here on every request stays on the app's origin.
    const base = inject('baseURL');
    const offsite: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) offsite.push(url);
    });
    const windows = randomCalibration(SAMPLES, SEQ, SEED);
    const onnx = new Uint8Array(readFileSync('dist/models/demo/model.onnx'));

    // Direct manipulation: the page's perplexity for [3, 7] is the pruned file's, computed in Node.
    const p37 = await stripPerplexity(page, [3, 7]);
    expect(Math.abs(p37 - (await nodePerplexity(onnx, windows, [3, 7]))) / p37).toBeLessThan(1e-4);
    await page.screenshot({ path: `${ARTIFACTS}/lab-strip.png`, fullPage: true });

    // A short EPPS run: one chart point per generation.
    const search = page.getByRole('region', { name: 'Search' });
    await search.getByLabel('Blocks to remove').fill('3');
    await search.getByLabel('Population').fill('6');
    await search.getByLabel('Generations').fill('3');
    await search.getByLabel('Budget (evaluations)').fill('40');
    await search.getByRole('button', { name: 'Play' }).click();
    await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 300_000 });
    const points = Number(await page.getByTestId('ppl-chart').getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(2);
    expect(points).toBeLessThanOrEqual(4);
    expect(await page.locator('[data-testid=generation-table] tbody tr').count()).toBe(points);
    const best = (await page.getByTestId('run-result').getAttribute('data-drop'))!.split(',').map(Number);
    expect(best).toHaveLength(3);
    await page.screenshot({ path: `${ARTIFACTS}/lab-search-done.png`, fullPage: true });

    // Export the best pattern; the page verifies the file, and so does Node.
    await page.getByTestId('run-result').getByRole('button', { name: 'Show on the strip' }).click();
    const shown = await stripPerplexity(page, best);
    const [zipDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: 180_000 }),
      page.getByRole('button', { name: 'Pruned model (.zip) + verify' }).click(),
    ]);
    const files = unzipSync(new Uint8Array(readFileSync((await zipDownload.path())!)));
    expect(Object.keys(files).sort()).toEqual(
      [
        'config.json',
        'evop-mask.json',
        'model.onnx',
        'run-manifest.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    expect(JSON.parse(strFromU8(files['config.json']!)).num_hidden_layers).toBe(13);
    expect(JSON.parse(strFromU8(files['evop-mask.json']!)).drop).toEqual(best);
    const exported = await nodePerplexity(files['model.onnx']!, windows);
    expect(Math.abs(exported - shown) / shown).toBeLessThan(1e-4);
    await page.getByTestId('verified').waitFor();
    const verified = Number(await page.getByTestId('verified').getAttribute('data-ppl'));
    expect(Math.abs(verified - shown) / shown).toBeLessThan(1e-4);

    const [maskDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SLEB removal_list' }).click(),
    ]);
    expect(readFileSync((await maskDownload.path())!, 'utf8').trim()).toBe(`[${best.join(', ')}]`);
    // Try it: the same prompt through both models, with tokens per second.
    await page.getByRole('button', { name: /^Generate/ }).click();
    await page.getByTestId('try-result').waitFor({ timeout: 120_000 });
    const captions = await page.locator('[data-testid=try-result] figcaption').allTextContents();
    expect(captions).toHaveLength(2);
    for (const c of captions) expect(Number(/([\d.]+) tokens\/s/.exec(c)?.[1])).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/lab-exported.png`, fullPage: true });
    expect(offsite).toEqual([]);
    expect(session!.errors).toEqual([]);
  });

  it('keyboard: Space plays, → steps, R resets, ? opens the help', async () => {
    const page = await openLabSession('wasm');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=run-status][data-status=paused]').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('ppl-chart').getAttribute('data-points'))).toBe(1);
    await page.keyboard.press('r');
    await page.locator('[data-testid=run-status][data-status=idle]').waitFor();
    // Cancel mid-run: Space starts, R resets while a batch is in the worker; the worker stays usable.
    await page.keyboard.press(' ');
    await page.locator('[data-testid=run-status][data-status=running]').waitFor();
    await page.keyboard.press('r');
    await page.locator('[data-testid=run-status][data-status=idle]').waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=run-status][data-status=paused]').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('ppl-chart').getAttribute('data-points'))).toBe(1);
    await page.keyboard.press('?');
    await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(true);
    expect(session!.errors).toEqual([]);
  });
});

describe.each(['wasm', 'webgpu'] as const)('calibration perplexity on %s agrees with Node', (backend) => {
  it(`a few patterns within 1e-3 (${backend})`, async () => {
    const page = await openLabSession(backend);
    const windows = randomCalibration(SAMPLES, SEQ, SEED);
    const onnx = new Uint8Array(readFileSync('dist/models/demo/model.onnx'));
    for (const drop of [[], [0], [5, 9, 12]]) {
      const shown = await stripPerplexity(page, drop);
      const want = await nodePerplexity(onnx, windows, drop);
      expect(Math.abs(shown - want) / want).toBeLessThan(1e-3);
    }
    expect(session!.errors).toEqual([]);
  });
});
