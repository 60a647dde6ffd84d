import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, type Session } from './browser';

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function newPage(hash = ''): Promise<Session> {
  const s = await openSession(inject('baseURL'));
  sessions.push(s);
  await s.page.goto(`/${hash}`);
  await s.page.getByTestId('backend-choice').waitFor();
  return s;
}

const pplOf = async (page: Page, drop: string) => {
  await page.waitForFunction(
    (d) => {
      const el = document.querySelector('[data-testid=pattern-ppl]');
      return (
        el?.getAttribute('data-drop') === d &&
        el.getAttribute('data-busy') === 'false' &&
        el.getAttribute('data-ppl') !== ''
      );
    },
    drop,
    { timeout: 240_000 },
  );
  return Number(await page.getByTestId('pattern-ppl').getAttribute('data-ppl'));
};

const history = (page: Page) => page.locator('[data-testid=generation-table] tbody tr').allTextContents();

describe('share links', () => {
  it('a copied link opens the same pattern and perplexity, and replays the same search curve', async () => {
    const a = await newPage('#model=demo&cal=random&samples=4&seq=64&cseed=5&k=3&pop=6&gens=3&budget=40&seed=7');
    const page = a.page;
    await page.locator('[data-testid=calibration-ready][data-windows="4"]').waitFor({ timeout: 240_000 });
    await page.getByRole('region', { name: 'Search' }).getByRole('button', { name: 'Play' }).click();
    await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 300_000 });
    const original = await history(page);
    expect(original.length).toBeGreaterThanOrEqual(2);
    await page.getByTestId('run-result').getByRole('button', { name: 'Show on the strip' }).click();
    const drop = (await page.getByTestId('run-result').getAttribute('data-drop'))!;
    const ppl = await pplOf(page, drop);

    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toContain(`drop=${drop}`);
    expect(link).toContain('seed=7');

    const b = await newPage(link.slice(link.indexOf('#')));
    expect(await pplOf(b.page, drop)).toBe(ppl);
    await b.page.getByRole('region', { name: 'Search' }).getByRole('button', { name: 'Play' }).click();
    await b.page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 300_000 });
    expect(await history(b.page)).toEqual(original);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('hostile values fall back to defaults with a visible plain-text warning', async () => {
    const s = await newPage(
      '#model=demo&pop=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&k=99999&zzz=1&hide=search&present=1',
    );
    const page = s.page;
    await page.getByTestId('share-warnings').waitFor({ timeout: 120_000 });
    const text = await page.getByTestId('share-warnings').textContent();
    expect(text).toMatch(/pop/);
    expect(text).toMatch(/zzz/);
    expect(await page.locator('img').count()).toBe(0);
    // Classroom: the search controls are hidden and the presenter layout is on.
    await page.getByTestId('calibration-ready').waitFor({ timeout: 240_000 });
    expect(await page.getByRole('region', { name: 'Search' }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(true);
    expect(s.errors).toEqual([]);
  });

  it('a link to a user model asks for the file', async () => {
    const s = await newPage('#model=0123456789abcdef&L=6&drop=1');
    await s.page.getByTestId('model-request').waitFor();
    expect(await s.page.getByTestId('model-request').textContent()).toMatch(/0123456789abcdef/);
  });

  it('the guided tour walks through blocks, calibration, fitness and the search', async () => {
    const s = await newPage('#model=demo&tour=1&cal=random&samples=2&seq=32');
    const tour = s.page.getByTestId('tour');
    await tour.waitFor({ timeout: 180_000 });
    const titles: string[] = [];
    for (let i = 0; i < 4; i++) {
      titles.push((await tour.locator('h2').textContent()) ?? '');
      await tour.getByRole('button', { name: i < 3 ? 'Next' : 'Done' }).click();
    }
    expect(titles).toEqual(['Blocks', 'Calibration', 'Fitness', 'The search']);
    expect(await tour.count()).toBe(0);
    await s.page.screenshot({ path: 'e2e/artifacts/after-tour.png', fullPage: true });
  });
});
