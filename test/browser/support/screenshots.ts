import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../docs/screenshots');

/**
 * `npm run screenshots` (UPDATE_SCREENSHOTS=1) refreshes docs/screenshots/<name>.png from the
 * journeys; ordinary test runs leave the committed pictures alone.
 */
export async function screenshot(page: Page, name: string, options: { mobile?: boolean } = {}): Promise<void> {
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
