import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { demoReady, spawnDemo, type DemoOutput, type DemoRun } from '../support/demo-process';
import { launchChromium, type Browser } from './support/chromium';
import { screenshot, watchCsp } from './support/screenshots';

const run = promisify(execFile);

/**
 * `npm run demo` end to end, as an evaluator meets it: the real command in a child process, its
 * printed next steps followed in Chromium (the mock IdP's page, the ACS, the signed-in page),
 * and its printed curl line run as is.
 */
describe('npm run demo in the browser', () => {
  jest.setTimeout(120_000);
  let dir: string;
  let demo: DemoRun;
  let out: DemoOutput;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-demo-browser-'));
    demo = spawnDemo({ DEMO_DATA_DIR: path.join(dir, 'data-demo') });
    out = await demoReady(demo);
    browser = await launchChromium();
    page = await browser.context.newPage();
    cspViolations = watchCsp(page);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts at the enterprise-login page with the printed code and waits for the mock IdP's page. */
  async function toMockIdpWithCode(): Promise<void> {
    await page.goto(`${out.url}/login`);
    await page.getByLabel('Login code').fill(out.loginCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${out.url}/demo-idp/sso`);
    await expectText(page, 'Who is signing in?');
  }

  test('When an evaluator types the printed enterprise-login code and picks Ada at the mock IdP, then she lands signed in, under a demo banner on both sides', async () => {
    await toMockIdpWithCode();
    await expectText(page, 'This mock identity provider signs in anyone you pick.');
    await expectText(page, 'HTTP-POST binding');
    await screenshot(page, 'demo-mock-idp');
    await page.getByRole('button', { name: 'Sign in as Ada Lovelace' }).click();
    await page.waitForURL(`${out.url}/me`);
    await expectText(page, 'You are signed in.');
    await expectText(page, 'Ada Lovelace');
    await expectText(page, '@ada.lovelace');
    await expectText(page, 'This Gatehouse runs in demo mode');
    await screenshot(page, 'demo-signed-in');
  });

  test('When Grace (in the admin role group) signs in through the printed link, then the signed-in page shows her admin role', async () => {
    await browser.context.clearCookies();
    await page.goto(out.loginLink);
    await page.getByRole('button', { name: 'Sign in as Grace Hopper' }).click();
    await page.waitForURL(`${out.url}/me`);
    await expectText(page, 'Grace Hopper');
    expect(await page.locator('.facts-list').textContent()).toMatch(/Role\s*admin/i);
  });

  test('When the evaluator runs the printed curl line, then Katherine is provisioned and signs in through the mock IdP too', async () => {
    await browser.context.clearCookies();
    // Before the curl line she is known to the IdP only: refused as not provisioned.
    await page.goto(out.loginLink);
    await page.getByRole('button', { name: 'Sign in as Katherine Johnson' }).click();
    await page.waitForURL(/\/sso\/error\?label=not-provisioned$/);

    const { stdout } = await run('sh', ['-c', out.curl]);
    const created = JSON.parse(stdout) as { id: string; userName: string; externalId: string; active: boolean };
    expect(created).toMatchObject({ userName: 'katherine.johnson', externalId: 'katherine@demo.test', active: true });

    await page.goto(out.loginLink);
    await page.getByRole('button', { name: 'Sign in as Katherine Johnson' }).click();
    await page.waitForURL(`${out.url}/me`);
    await expectText(page, 'Katherine Johnson');
    await expectText(page, '@katherine.johnson');
  });

  test('When someone types a provisioned NameID into the free-text field, then it signs that person in', async () => {
    await browser.context.clearCookies();
    await toMockIdpWithCode();
    await page.getByLabel('NameID').fill('alan@demo.test');
    await page.getByRole('button', { name: 'Sign in with this NameID' }).click();
    await page.waitForURL(`${out.url}/me`);
    await expectText(page, 'Alan Turing');
  });

  test.each([
    ['Wrong NameID format', 'nameid-format-unsupported', 'Your company sent an identifier we cannot use'],
    ['Expired response', 'assertion-expired', 'The sign-in took too long'],
    ['Unprovisioned person', 'not-provisioned', 'Your account has not been set up yet'],
  ])('When the mock IdP sends "%s", then Gatehouse refuses it and the error page explains %s', async (button, label, title) => {
    await browser.context.clearCookies();
    await toMockIdpWithCode();
    await page.getByRole('button', { name: button }).click();
    // The page may carry more than the label (nameid-format-unsupported also names the format received).
    await page.waitForURL((url) => url.href.startsWith(`${out.url}/sso/error?label=${label}`));
    await expectText(page, title);
    await expectText(page, `Error code: ${label}`);
    await expectText(page, 'This Gatehouse runs in demo mode');
    expect(await page.context().cookies()).not.toContainEqual(expect.objectContaining({ name: 'gh_session' }));
  });

  test('When the owner signs in with the printed credentials and runs a test sign-in with a wrong NameID format, then the report names the refusal', async () => {
    await browser.context.clearCookies();
    await page.goto(out.adminSignIn);
    await page.getByLabel('Email').fill(out.ownerEmail);
    await page.getByLabel('Password').fill(out.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\//);
    await page.goto(`${out.url}/admin/sso`);
    await page.getByRole('button', { name: 'Test sign-in with Mock IdP' }).click();
    await page.waitForURL(/\/tests\/[0-9a-f-]{36}$/);
    const [tab] = await Promise.all([browser.context.waitForEvent('page'), page.getByRole('link', { name: 'Open test sign-in' }).click()]);
    await tab.getByRole('button', { name: 'Wrong NameID format' }).click();
    await tab.waitForURL(/\/sso\/test-result\//);
    await expectText(tab, 'This Gatehouse runs in demo mode');
    await tab.close();
    await page.getByRole('link', { name: 'Check for the report' }).click();
    await expectText(page, 'The sign-in would be refused');
    await expectText(page, 'nameid-format-unsupported');
    await expectText(page, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });

  test('When the demo setup ran, then the provisioning log shows the SCIM requests that created its people', async () => {
    const login = await fetch(`${out.url}/login?persist=false`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: out.ownerEmail, password: out.ownerPassword }) });
    const { access_token } = (await login.json()) as { access_token: string };
    const log = await fetch(`${out.url}/scim/provisioning-log?limit=50`, { headers: { authorization: `Bearer ${access_token}` } });
    const { entries } = (await log.json()) as { entries: Array<{ method: string; path: string; status: number; token_name: string }> };
    const created = entries.filter((e) => e.method === 'POST' && /\/Users$/.test(e.path) && e.status === 201);
    // Three by the setup, one by the curl line.
    expect(created).toHaveLength(4);
    expect(new Set(created.map((e) => e.token_name))).toEqual(new Set(['Mock IdP provisioning']));
  });

  test('When pages were shown, then no Content-Security-Policy violation was reported', () => {
    expect(cspViolations).toEqual([]);
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 10_000 });
}
