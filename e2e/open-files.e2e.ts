import { mkdirSync, readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser';
import { stripPerplexity } from './lab-page';
import { nodePerplexity, randomCalibration } from './node-reference';

const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const DEMO = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json'].map(
  (f) => `dist/models/demo/${f}`,
);

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open() {
  session = await openSession(inject('baseURL'));
  const { page } = session;
  await page.goto('/');
  await page.getByTestId('backend-choice').waitFor();
  await page.getByLabel('Backend').selectOption('wasm');
  return page;
}

describe('opening a model from files', () => {
  it('picked files load like the demo; the pattern and the exported zip score what Node computes', async () => {
    const page = await open();
    await page.getByTestId('model-files').setInputFiles(DEMO);
    await page
      .locator('[data-testid=model-ready][data-name="model.onnx"][data-blocks="16"]')
      .waitFor({ timeout: 180_000 });
    const cal = page.getByRole('region', { name: 'Calibration' });
    await cal.getByLabel('Method').selectOption('random');
    await cal.getByLabel('Samples').fill('3');
    await cal.getByLabel('Tokens per sample').fill('48');
    await cal.getByLabel('Seed').fill('2');
    await cal.getByRole('button', { name: 'Build calibration set' }).click();
    await page.locator('[data-testid=calibration-ready][data-windows="3"]').waitFor({ timeout: 240_000 });
    const shown = await stripPerplexity(page, [2, 11]);
    const windows = randomCalibration(3, 48, 2);
    const onnx = new Uint8Array(readFileSync(DEMO[0]!));
    expect(Math.abs(shown - (await nodePerplexity(onnx, windows, [2, 11]))) / shown).toBeLessThan(1e-4);

    const [zip] = await Promise.all([
      page.waitForEvent('download', { timeout: 180_000 }),
      page.getByRole('button', { name: 'Pruned model (.zip) + verify' }).click(),
    ]);
    const files = unzipSync(new Uint8Array(readFileSync((await zip.path())!)));
    expect(strFromU8(files['tokenizer.json']!)).toBe(readFileSync(DEMO[1]!, 'utf8'));
    expect(JSON.parse(strFromU8(files['config.json']!)).num_hidden_layers).toBe(14);
    expect(Math.abs((await nodePerplexity(files['model.onnx']!, windows)) - shown) / shown).toBeLessThan(1e-4);
    await page.screenshot({ path: `${ARTIFACTS}/open-files.png`, fullPage: true });
    expect(session!.errors).toEqual([]);
  });

  it('a bad drop says what to do and keeps the model that was loaded', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Load demo model' }).click();
    await page.locator('[data-testid=model-ready][data-blocks="16"]').waitFor({ timeout: 180_000 });

    // An .onnx without its tokenizer.json.
    await page.getByTestId('model-files').setInputFiles(['test-fixtures/llama-tiny.onnx']);
    await page.getByTestId('load-error').waitFor();
    expect(await page.getByTestId('load-error').textContent()).toBe(
      'Could not load the model: This model needs its tokenizer.json: drop it together with the .onnx file (your current model stays loaded). The previous model is still loaded.',
    );
    expect(await page.getByTestId('model-ready').getAttribute('data-blocks')).toBe('16');

    // A PNG renamed .onnx, dropped on the page with a tokenizer.
    await page.evaluate(
      async (tokenizer) => {
        const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'photo.onnx'));
        dt.items.add(new File([tokenizer], 'tokenizer.json'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      },
      readFileSync(DEMO[1]!, 'utf8'),
    );
    await page.locator('[data-testid=load-error][data-code=bad-model]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('load-error').textContent()).toMatch(/PNG/i);
    expect(await page.getByTestId('model-ready').getAttribute('data-blocks')).toBe('16');
    // Still usable: the strip scores patterns of the kept model.
    expect(await stripPerplexity(page, [5])).toBeGreaterThan(1);
    await page.screenshot({ path: `${ARTIFACTS}/bad-drop.png`, fullPage: true });
  });
});
