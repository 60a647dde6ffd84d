import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser';

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('the built app runs under a Content-Security-Policy', () => {
  it('sends the policy, and the browser refuses inline script and requests to other origins', async () => {
    session = await openSession(inject('baseURL'));
    const { page } = session;
    const response = await page.goto('/');
    const header = response!.headers()['content-security-policy'] ?? '';
    expect(header).toContain("default-src 'self'");
    expect(header).toContain("connect-src 'self'");
    expect(header).toContain("frame-ancestors 'none'");
    expect(header).not.toContain("'unsafe-eval'");
    expect(header).not.toContain("'unsafe-inline'");
    // The same policy travels in the page itself, for static hosts that send no headers.
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(header.startsWith(meta!)).toBe(true);
    await page.getByTestId('backend-choice').waitFor();

    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      let offsite = 'sent';
      try {
        await fetch('https://example.com/upload', { method: 'POST', body: 'weights' });
      } catch {
        offsite = 'refused';
      }
      await new Promise((r) => setTimeout(r, 100));
      return { inlineRan: (window as { __inlineRan?: boolean }).__inlineRan === true, offsite, violations };
    });
    expect(outcome.inlineRan).toBe(false);
    expect(outcome.offsite).toBe('refused');
    // Each directive is reported once per policy in force (the header and the <meta>).
    expect([...new Set(outcome.violations)].sort()).toEqual(['connect-src', 'script-src-elem']);
    // The violations were the test's own: the app itself raised none while starting.
    expect(session.errors.filter((e) => !/CSP violation|Refused to|Content Security Policy/.test(e))).toEqual([]);
  });
});
