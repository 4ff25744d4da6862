import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';
import { TestIdp } from '../support/test-idp';
import { launchChromium, type Browser } from './support/chromium';
import { TestIdpServer } from './support/idp-server';
import { screenshot, watchCsp } from './support/screenshots';
import { seedTeam } from './support/seed';

/**
 * Enterprise sign-in end to end in Chromium: the admin connects the test IdP on the SSO page by
 * uploading its metadata, people sign in with the login code through that IdP (a real HTTP page
 * that posts a signed response back), and the refusals and CSRF guard show as pages.
 */
describe('SSO in the browser', () => {
  let server: TestServer;
  let acme: TestTeam;
  let browser: Browser;
  /** The people signing in use their own browser: its cookies are not the admin's. */
  let people: Browser;
  let page: Page;
  let idp: TestIdpServer;
  let cspViolations: string[];
  let loginCode = '';
  let scimToken = '';
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    await seedTeam(server, acme.teamId);
    idp = await new TestIdpServer(TestIdp.create({ entityId: 'https://sts.acme-idp.test/app/gatehouse' }), server).start();
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    browser.context.setDefaultTimeout(8000);
    people = await launchChromium({ width: 390, height: 844 });
    people.context.setDefaultTimeout(8000);
    page = await browser.context.newPage();
    cspViolations = watchCsp(page);
  });
  afterAll(async () => {
    await browser?.close();
    await people?.close();
    await idp?.close();
    await server?.close();
  });

  test('Journey 1: the admin signs in, uploads the IdP metadata, copies the login code, then generates a SCIM token (password asked), sees it once with the self-signup notice, and deletes it', async () => {
    await page.goto(`${server.url}/admin/login`);
    await page.getByLabel('Email').fill(acme.email);
    await page.getByLabel('Password').fill(acme.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/admin/people`);

    await page.getByRole('link', { name: 'SSO', exact: true }).click();
    await page.waitForURL(`${server.url}/admin/sso`);
    await expectText(page, 'No identity provider is connected yet');
    await page.getByText('Connect identity provider').click();
    await screenshot(page, 'sso');
    await page.getByLabel('Upload a metadata file').setInputFiles({ name: 'acme-idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(idp.metadataXml()) });
    await page.getByLabel('Name (optional)').fill('Acme IdP');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL(/\/admin\/sso\/[0-9a-f-]{36}\?connected=1$/);
    await expectText(page, 'Connected Acme IdP. Give your people the login code below.');
    const connection = (await server.services.store.idps.list(acme.teamId))[0]!;
    expect(connection).toMatchObject({ entityId: idp.idp.entityId, ssoPostUrl: idp.ssoUrl, handle: 'Acme IdP' });
    for (const [id, value] of [
      ['login-link', `${server.url}/sso/start/sso-${connection.id}`],
      ['sp-metadata-url', `${server.url}/sso/metadata/${acme.teamId}`],
      ['sp-entity-id', `${server.url}/sso/metadata/${acme.teamId}`],
      ['sp-acs-url', `${server.url}/sso/finalize-login/${acme.teamId}`],
    ] as const) expect((await page.locator(`#${id}`).textContent())!.trim()).toBe(value);
    await screenshot(page, 'sso-connection');
    await screenshot(page, 'sso-connection-phone', { mobile: true });

    await page.getByRole('button', { name: 'Copy the login code' }).click();
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor({ timeout: 5000 });
    loginCode = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(loginCode).toBe(`sso-${connection.id}`);

    await page.getByRole('link', { name: 'Automated User Management (SCIM)' }).click();
    await page.waitForURL(`${server.url}/admin/scim`);
    await page.getByText('Generate token').click();
    await page.getByLabel('Description').fill('Acme IdP provisioning');
    await page.getByLabel('Identity provider (optional)').selectOption({ label: 'Acme IdP' });
    await page.getByLabel('Your password').fill(acme.password);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const secret = (await page.locator('#new-token').textContent())!.trim();
    expect(secret).toMatch(/^gscim_/);
    await expectText(page, "Copy it now: it won't be shown again.");
    await expectText(page, 'SSO self-signup is now off for your team');
    await page.goto(`${server.url}/admin/scim`);
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('cell', { name: 'Acme IdP', exact: true }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete Acme IdP provisioning' }).click();
    await expectText(page, 'It was the last one, so SSO self-signup is on again.');
    expect(await server.services.scimTokens.authenticate(secret)).toBeNull();
  });

  test('Journey 1b: "Test sign-in" runs a sign-in at the IdP in test mode and the report shows each check, the NameID and attributes', async () => {
    await page.goto(`${server.url}/admin/sso`);
    await screenshot(page, 'sso-list');
    await page.getByRole('button', { name: 'Test sign-in with Acme IdP' }).click();
    await page.waitForURL(/\/tests\/[0-9a-f-]{36}$/);
    await expectText(page, 'Sign in at your identity provider');
    idp.next = { nameId: 'test.user@acme.test', attributes: { displayName: 'Test User', email: 'test.user@acme.test' } };
    const [tab] = await Promise.all([browser.context.waitForEvent('page'), page.getByRole('link', { name: 'Open test sign-in' }).click()]);
    await tab.waitForURL(/\/sso\/test-result\//);
    expect(await tab.textContent('body')).toContain('passed every check');
    await tab.close();
    await page.getByRole('link', { name: 'Check for the report' }).click();
    await expectText(page, 'The sign-in would succeed');
    await expectText(page, 'test.user@acme.test');
    expect(await page.locator('.check-failed').count()).toBe(0);
    expect(await page.locator('.check-passed').count()).toBeGreaterThan(10);
    await screenshot(page, 'sso-test-report');
    // Test mode: nobody was created or signed in.
    const connection = (await server.services.store.idps.list(acme.teamId))[0]!;
    expect(await server.services.store.users.findByNameId(acme.teamId, connection.id, 'test.user@acme.test')).toBeNull();
  });

  test('Journey 2: a SCIM client provisions a person over HTTP (POST /scim/v2/Users), who types the login code, signs in at the IdP and sees their name', async () => {
    const connection = (await server.services.store.idps.list(acme.teamId))[0]!;
    // With a SCIM token the team takes only provisioned people (no self-signup).
    scimToken = (await server.services.scimTokens.create(acme.teamId, { description: 'Acme IdP provisioning' }, { type: 'operator', id: null, name: 'test' })).token;
    const nameId = 'dorothy.vaughan@acme.test';
    await provision(server, scimToken, { displayName: 'Dorothy Vaughan', handle: 'dvaughan', externalId: nameId, active: true });
    idp.next = { nameId, attributes: { displayName: 'Dorothy Vaughan' } };

    const person = await people.context.newPage();
    const violations = watchCsp(person);
    await person.goto(`${server.url}/login`);
    await person.keyboard.type(`  ${loginCode.toUpperCase()} `);
    await person.keyboard.press('Enter');
    await person.waitForURL(`${server.url}/me`);
    await expectText(person, 'Dorothy Vaughan');
    await expectText(person, 'You are signed in.');
    await expectText(person, '@dvaughan');
    expect(idp.requests.at(-1)).toMatchObject({ binding: 'HTTP-POST', acsUrl: `${server.url}/sso/finalize-login/${acme.teamId}` });
    const user = await server.services.store.users.findByNameId(acme.teamId, connection.id, nameId);
    expect(user).toMatchObject({ displayName: 'Dorothy Vaughan', managedBy: 'scim' });
    expect(violations).toEqual([]);
    await person.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
    await person.waitForURL(`${server.url}/login`);
    await person.close();
  });

  test('Journey 3: a suspended person gets the error page; a wrong code gets a message', async () => {
    const nameId = 'suspended.sam@acme.test';
    await provision(server, scimToken, { displayName: 'Suspended Sam', handle: 'ssam', externalId: nameId, active: false });
    idp.next = { nameId };
    const person = await people.context.newPage();
    await person.goto(`${server.url}/login`);
    await person.getByLabel('Login code').fill(loginCode);
    await person.getByRole('button', { name: 'Continue' }).click();
    await person.waitForURL(`${server.url}/sso/error?label=account-suspended`);
    await expectText(person, 'Your account is suspended');
    await expectText(person, 'What to tell your admin');

    await person.goto(`${server.url}/login`);
    await person.getByLabel('Login code').fill(`sso-${randomUUID()}`);
    await person.getByRole('button', { name: 'Continue' }).click();
    await expectText(person, 'Unknown code: no identity provider uses');
    expect(await person.getByLabel('Login code').getAttribute('aria-invalid')).toBe('true');
    await person.close();
  });

  test('Journey 4: a form posted without its CSRF token is refused and changes nothing', async () => {
    const connection = (await server.services.store.idps.list(acme.teamId))[0]!;
    await page.goto(`${server.url}/admin/sso/${connection.id}/delete`);
    await page.evaluate('document.querySelectorAll(\'input[name="_csrf"]\').forEach(function (i) { i.remove(); })');
    await page.getByLabel(/Yes, also delete/).check();
    await screenshot(page, 'sso-delete');
    await page.getByRole('button', { name: /Delete connection and/ }).click();
    await expectText(page, 'This form has expired or was not sent from a Gatehouse page.');
    expect(await server.services.store.idps.get(acme.teamId, connection.id)).not.toBeNull();

    // With the token (a fresh page) the same confirmation deletes it and the people bound to it.
    await page.goto(`${server.url}/admin/sso/${connection.id}/delete`);
    await expectText(page, 'This removes 1 person from Acme');
    await page.getByLabel(/Yes, also delete the 1 person/).check();
    await page.getByRole('button', { name: 'Delete connection and 1 person' }).click();
    await page.waitForURL(`${server.url}/admin/sso`);
    await expectText(page, 'Deleted Acme IdP and the person who signed in through it.');
    expect(await server.services.store.idps.get(acme.teamId, connection.id)).toBeNull();
  });

  test('When pages were shown, then no Content-Security-Policy violation was reported', () => {
    expect(cspViolations).toEqual([]);
  });
});

/** A SCIM client (Entra ID, Okta…) provisions a person over HTTP: POST /scim/v2/Users, externalId = the NameID the IdP will send. */
async function provision(server: TestServer, scimToken: string, input: { displayName: string; handle: string; externalId: string; active: boolean }) {
  const res = await call(server.url, 'POST', '/scim/v2/Users', {
    token: scimToken,
    headers: { 'content-type': 'application/scim+json' },
    json: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: input.handle, externalId: input.externalId, displayName: input.displayName, active: input.active,
      emails: [{ value: input.externalId, type: 'work', primary: true }],
    },
  });
  if (res.status !== 201) throw new Error(`POST /Users failed: ${res.status} ${res.text}`);
  return res.body as { id: string };
}

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 5000 });
}
