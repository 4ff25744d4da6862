import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** axe-core's browser build, evaluated in the page through the DevTools protocol (the page CSP stays on). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface PageProblem {
  state: string;
  problem: string;
}

/**
 * What every page state the browser journeys reach must pass, asserted by the caller:
 * - axe-core (WCAG 2.x A/AA rules): no `serious` or `critical` violation;
 * - at 320 CSS px wide (WCAG 1.4.10 reflow): no horizontal scrolling, and no text cut off by a box
 *   with `overflow: hidden` (the audit log's stacked rows once cut codes off that way).
 */
export async function checkPage(page: Page, state: string): Promise<PageProblem[]> {
  const problems: PageProblem[] = [];
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  for (const v of violations) {
    if (v.impact === 'serious' || v.impact === 'critical') problems.push({ state, problem: `axe ${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})` });
  }

  const previous = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 720 });
  try {
    const reflow = await page.evaluate(() => {
      const found: string[] = [];
      const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
      /** The innermost elements reaching past `right`: what to fix, named in the failure. */
      const culprits = (scope: Element, right: number) =>
        Array.from(scope.querySelectorAll('*'))
          .filter((el) => {
            const past = (e: Element) => e.getBoundingClientRect().right > right + 1;
            const textPast = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX === 'visible';
            return (past(el) || textPast) && !Array.from(el.children).some(past);
          })
          .slice(-3)
          .map((el) => `${describe(el)} (${el.scrollWidth}px in ${el.clientWidth}px) "${(el.textContent ?? '').trim().slice(0, 40)}"`)
          .join('; ');
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) found.push(`scrolls sideways at 320px (${root.scrollWidth}px wide): ${culprits(document.body, root.clientWidth)}`);
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const style = getComputedStyle(el);
        // A stacked (phone) table must fit its card; any other box that hides overflow must not need to.
        const stacked = el.classList.contains('table-wrap') && el.querySelector('.table-stack') !== null;
        if (!stacked && style.overflowX !== 'hidden' && style.overflowX !== 'clip') continue;
        if (el.clientWidth <= 1 || style.display === 'none' || style.position === 'absolute') continue; // visually-hidden helpers
        if (el.matches('input, textarea, select')) continue; // form controls scroll their own text
        if (el.scrollWidth > el.clientWidth + 1) found.push(`${describe(el)} cuts off its content at 320px (${el.scrollWidth}px in ${el.clientWidth}px): ${culprits(el, el.getBoundingClientRect().right)}`);
      }
      return found;
    });
    for (const problem of reflow) problems.push({ state, problem });
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
  return problems;
}
