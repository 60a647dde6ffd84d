import type { Page, Worker } from 'playwright-core';

export const DEMO_FILES = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json'].map(
  (f) => `public/models/demo/${f}`,
);

export interface LabSetup {
  readonly backend: 'wasm' | 'webgpu';
  /** A seeded random calibration set (Node rebuilds it with `randomCalibration`). */
  readonly samples: number;
  readonly seqLen: number;
  readonly calSeed: number;
  /** Load the demo from files (kept in OPFS for a resume) instead of the demo button. */
  readonly files?: boolean;
}

/**
 * Opens the lab, loads the demo on `backend` and builds a small seeded random calibration set.
 * The default (CCDS) set starts building right after loading; this one supersedes it (on
 * SwiftShader the CCDS pass would take minutes). Returns once the strip's dense score is shown.
 */
export async function openLab(page: Page, s: LabSetup): Promise<void> {
  await page.goto('/');
  await page.getByTestId('backend-choice').waitFor();
  await page.getByLabel('Backend').selectOption(s.backend);
  if (s.files) await page.getByTestId('model-files').setInputFiles(DEMO_FILES);
  else await page.getByRole('button', { name: 'Load demo model' }).click();
  await page.getByTestId('model-ready').waitFor({ timeout: 180_000 });
  const cal = page.getByRole('region', { name: 'Calibration' });
  await cal.getByLabel('Method').selectOption('random');
  await cal.getByLabel('Samples').fill(String(s.samples));
  await cal.getByLabel('Tokens per sample').fill(String(s.seqLen));
  await cal.getByLabel('Seed').fill(String(s.calSeed));
  await cal.getByRole('button', { name: 'Build calibration set' }).click();
  await page.locator(`[data-testid=calibration-ready][data-windows="${s.samples}"]`).waitFor({ timeout: 240_000 });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=pattern-ppl]')?.getAttribute('data-busy') === 'false',
  );
}

/** Sets the block strip to `drop` and returns the perplexity the page shows for it. */
export async function stripPerplexity(page: Page, drop: number[]): Promise<number> {
  const current = ((await page.getByTestId('pattern-ppl').getAttribute('data-drop')) ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  for (const b of new Set([...current, ...drop])) {
    if (current.includes(b) !== drop.includes(b)) await page.locator(`[data-block="${b}"]`).click();
  }
  const want = drop.join(',');
  await page.waitForFunction(
    (w) => {
      const el = document.querySelector('[data-testid=pattern-ppl]');
      return (
        el?.getAttribute('data-drop') === w &&
        el.getAttribute('data-busy') === 'false' &&
        el.getAttribute('data-ppl') !== ''
      );
    },
    want,
    { timeout: 180_000 },
  );
  return Number(await page.getByTestId('pattern-ppl').getAttribute('data-ppl'));
}

/** The newest evaluation worker (a replaced one may still be listed while it closes). */
export function evaluationWorker(page: Page): Worker {
  const w = page
    .workers()
    .filter((x) => x.url().includes('evaluate.worker'))
    .at(-1);
  if (!w)
    throw new Error(
      `no evaluation worker among ${page
        .workers()
        .map((x) => x.url())
        .join(', ')}`,
    );
  return w;
}
