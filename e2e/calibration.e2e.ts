import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser';

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('calibration from your own text', () => {
  it('pasted text and files become the calibration set; bad files say what is wrong', async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    await page.goto('/#model=demo&cal=random&samples=3&seq=64');
    await page.locator('[data-testid=calibration-ready][data-windows="3"]').waitFor({ timeout: 240_000 });
    const cal = page.getByRole('region', { name: 'Calibration' });
    await cal.getByTestId('cal-source').selectOption('user');

    await cal.getByRole('button', { name: 'Build calibration set' }).click();
    // A failed build keeps the set in use (the worker still holds it) and says so.
    await expect
      .poll(() => cal.getByRole('alert').textContent())
      .toBe('Paste some text or open a text file first. The previous calibration set is still in use.');
    expect(await page.getByTestId('calibration-ready').getAttribute('data-windows')).toBe('3');

    await cal.getByLabel(/Paste text/).fill(readFileSync('dist/corpus/moby-dick.heldout.txt', 'utf8').slice(0, 12_000));
    await cal.getByRole('button', { name: 'Build calibration set' }).click();
    await page.getByText('3 windows × 64 tokens').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('calibration-ready').textContent()).toMatch(/user 3/);

    const dir = mkdtempSync(join(tmpdir(), 'evop-text-'));
    const bad = join(dir, 'notes.jsonl');
    writeFileSync(bad, '{"text": "fine"}\n{"text": broken\n');
    await cal.getByTestId('user-text-file').setInputFiles(bad);
    await cal.getByRole('button', { name: 'Build calibration set' }).click();
    await expect.poll(() => cal.getByRole('alert').textContent(), { timeout: 60_000 }).toMatch(/line 2/);
    expect(await page.getByText('3 windows × 64 tokens').count()).toBe(1);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=pattern-ppl]')?.getAttribute('data-busy') === 'false',
    );
    expect(Number(await page.getByTestId('pattern-ppl').getAttribute('data-ppl'))).toBeGreaterThan(1);
    expect(session.errors).toEqual([]);
  });
});
