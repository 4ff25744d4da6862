/**
 * Page states the journeys do not reach, checked the same way (axe-core, 320 px reflow), plus what axe
 * cannot measure: the focus ring's contrast on the light page and on the dark top bar, and a long IdP
 * entity ID staying inside its card at desktop width.
 */
import type { Page } from 'playwright-core';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { connectedIdp } from '../support/sso';
import { TestIdp } from '../support/test-idp';
import { launchChromium, type Browser } from './support/chromium';
import { checkPage } from './support/page-checks';

/** WCAG relative luminance contrast of two `rgb(a)` colours (alpha ignored: the rings are opaque). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Tabs until `selector` has keyboard focus; returns its ring colours and the background it sits on. */
async function focusRing(page: Page, selector: string): Promise<{ rings: string[]; background: string }> {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) break;
  }
  return page.evaluate((s) => {
    const el = document.activeElement!;
    if (!el.matches(s)) throw new Error(`could not tab to ${s}`);
    const rings = (getComputedStyle(el).boxShadow.match(/rgba?\([^)]*\)/g) ?? []).filter((c) => !/,\s*0\)$/.test(c));
    let bg = 'rgba(0, 0, 0, 0)';
    for (let node: Element | null = el.parentElement; node; node = node.parentElement) {
      bg = getComputedStyle(node).backgroundColor;
      if (!/rgba\(.*,\s*0\)$/.test(bg)) break;
    }
    return { rings, background: bg };
  }, selector);
}

describe('Page checks beyond the journeys', () => {
  let server: TestServer;
  let acme: TestTeam;
  let browser: Browser;
  let page: Page;
  let idpId: string;
  const longEntityId = `https://login.example-identity-provider.test/tenants/${'0123456789abcdef'.repeat(8)}/federation/saml2/metadata`;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idpId = await connectedIdp(server, acme, TestIdp.create({ entityId: longEntityId }));
    browser = await launchChromium();
    browser.context.setDefaultTimeout(8000);
    page = await browser.context.newPage();
    await page.goto(`${server.url}/admin/login`);
    await page.getByLabel('Email').fill(acme.email);
    await page.getByLabel('Password').fill(acme.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/admin/people`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('When a connection has a very long entity ID, then the SSO list, connection and delete pages pass axe and reflow at 320 px, and nothing leaves its card at desktop width', async () => {
    for (const path of ['/admin/sso', `/admin/sso/${idpId}`, `/admin/sso/${idpId}/delete`]) {
      await page.goto(`${server.url}${path}`);
      expect(await page.content()).toContain(longEntityId);
      expect(await checkPage(page, path)).toEqual([]);
      const outside = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.card, .page-head')).flatMap((card) => {
          const right = card.getBoundingClientRect().right;
          return Array.from(card.querySelectorAll('*'))
            .filter((el) => el.getBoundingClientRect().right > right + 1)
            .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
        }),
      );
      expect({ path, outside }).toEqual({ path, outside: [] });
    }
  });

  test('When a browser opens an unknown URL or a sign-in error, then the pages pass axe and reflow at 320 px', async () => {
    const response = await page.goto(`${server.url}/no/such/page`);
    expect(response!.status()).toBe(404);
    expect(await page.title()).toMatch(/Gatehouse/);
    expect(await checkPage(page, '404')).toEqual([]);
    await page.goto(`${server.url}/sso/error?label=not-provisioned`);
    expect(await checkPage(page, 'sso-error not-provisioned')).toEqual([]);
    // The copy button's accessible name starts with its visible words (WCAG 2.5.3).
    await page.getByRole('button', { name: /^Copy message/ }).waitFor();
  });

  test('When the keyboard focuses a link on the dark top bar and a button on the light page, then the focus ring has at least 3:1 contrast with what is around it', async () => {
    await page.goto(`${server.url}/admin/people`);
    const bar = await focusRing(page, '.topbar a');
    expect(bar.rings.length).toBeGreaterThan(0);
    expect(Math.max(...bar.rings.map((c) => contrast(c, bar.background)))).toBeGreaterThanOrEqual(3);
    const content = await focusRing(page, '.content a, .content button');
    expect(content.rings.length).toBeGreaterThan(0);
    expect(Math.max(...content.rings.map((c) => contrast(c, content.background)))).toBeGreaterThanOrEqual(3);
  });
});
