import type { Page } from 'playwright-core';
import { addPerson } from '../component/web/page-client';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { launchChromium, type Browser } from './support/chromium';
import { screenshot, watchCsp } from './support/screenshots';

describe('An end user in the browser', () => {
  let server: TestServer;
  let acme: TestTeam;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[];
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    browser = await launchChromium();
    page = await browser.context.newPage();
    cspViolations = watchCsp(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('When someone opens the landing page and moves with Tab, then the skip link comes first and both ways in are reachable', async () => {
    await page.goto(`${server.url}/`);
    await expectText(page, 'Single sign-on and automated user management');
    await screenshot(page, 'landing');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    const focusedLinks: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      focusedLinks.push(await focusedText(page));
    }
    expect(focusedLinks).toEqual(expect.arrayContaining(['Enterprise login', 'Sign in to team management']));
  });

  test('When a person types a wrong login code, then the field is marked and a message says what a code looks like', async () => {
    await page.goto(`${server.url}/login`);
    const field = page.getByLabel('Login code');
    expect(await page.evaluate('document.activeElement === document.getElementById("code")')).toBe(true);
    await page.keyboard.type('sso-typo');
    await page.keyboard.press('Enter');
    await expectText(page, 'That is not a login code.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe('sso-typo');
    await screenshot(page, 'enterprise-login-wrong-code');
  });

  test('When a person pastes a well-formed code that is not connected, then the page says the code is unknown', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login code').fill('  SSO-0F8FAD5B-D9CB-469F-A165-70867728950E \n');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectText(page, 'Unknown code: no identity provider uses sso-0f8fad5b-d9cb-469f-a165-70867728950e.');
    await screenshot(page, 'enterprise-login');
  });

  test('When a signed-in member opens /me, then it shows who they are and signs them out', async () => {
    const member = await addPerson(server, acme.teamId, { name: 'Ada Lovelace', email: 'ada@acme.example' });
    const session = await server.services.accounts.issueToken(member, 'session');
    await browser.context.addCookies([{ name: 'gh_session', value: session.secret, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    await page.goto(`${server.url}/me`);
    await expectText(page, 'Ada Lovelace');
    await expectText(page, `@${member.handle}`);
    await expectText(page, 'You are signed in.');
    await screenshot(page, 'signed-in');
    await screenshot(page, 'signed-in-phone', { mobile: true });
    await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/login`);
    expect(await server.services.accounts.authenticate(session.secret, 'session')).toBeNull();
  });

  test('When SSO refuses a suspended user, then the error page explains it and gives a message for the admin', async () => {
    await page.goto(`${server.url}/sso/error?label=account-suspended`);
    await expectText(page, 'Your account is suspended');
    await expectText(page, 'What to tell your admin');
    await expectText(page, 'Error code: account-suspended');
    await screenshot(page, 'sso-error');
  });

  test('When pages were shown, then no Content-Security-Policy violation was reported', () => {
    expect(cspViolations).toEqual([]);
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 5000 });
}

/** The text of the element that has keyboard focus (evaluated in the page; our tsconfig has no DOM types). */
async function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>("(document.activeElement && document.activeElement.textContent || '').trim()");
}
