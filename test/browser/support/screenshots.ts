import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { checkPage } from './page-checks';

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../docs/screenshots');

/**
 * `npm run screenshots` (UPDATE_SCREENSHOTS=1) refreshes docs/screenshots/<name>.png from the
 * journeys; ordinary test runs leave the committed pictures alone. Every call, in every run, first
 * asserts the page passes axe-core (no serious/critical violation) and reflows at 320 px.
 */
export async function screenshot(page: Page, name: string, options: { mobile?: boolean } = {}): Promise<void> {
  // Every state worth a picture is also checked for accessibility and reflow (test/browser/support/page-checks.ts).
  expect(await checkPage(page, name)).toEqual([]);
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const previous = page.viewportSize();
  if (options.mobile) await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  if (options.mobile && previous) await page.setViewportSize(previous);
}

/** Collects Content-Security-Policy violations reported in the page console. */
export function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
