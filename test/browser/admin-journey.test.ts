import type { Page } from 'playwright-core';
import { operatorActor } from '../../src/accounts/audit';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { launchChromium, type Browser } from './support/chromium';
import { screenshot, watchCsp } from './support/screenshots';
import { seedTeam } from './support/seed';

describe('An admin in the browser', () => {
  let server: TestServer;
  let acme: TestTeam;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[];
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    await seedTeam(server, acme.teamId);
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await browser.context.newPage();
    cspViolations = watchCsp(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('When an admin signs in with the keyboard, then People shows their team with status badges', async () => {
    await page.goto(`${server.url}/admin/people`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await screenshot(page, 'admin-sign-in');
    await page.getByLabel('Email').fill(acme.email);
    await page.getByLabel('Password').fill(acme.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/admin/people`);
    await expectText(page, 'Acme');
    await expectText(page, 'Pending invitation');
    await expectText(page, 'Managed by your identity provider');
    await screenshot(page, 'people');
    await screenshot(page, 'people-phone', { mobile: true });
  });

  test('When the admin generates a SCIM token, then the password is asked, the secret is shown once with a copy button and the self-signup notice, and it can be deleted', async () => {
    await page.getByRole('link', { name: 'Automated User Management (SCIM)' }).click();
    await page.waitForURL(`${server.url}/admin/scim`);
    await expectText(page, `${server.url}/scim/v2`);
    await expectText(page, 'Creating the first token turns off SSO self-signup');
    await screenshot(page, 'scim');

    await page.getByText('Generate token').click();
    await page.getByLabel('Description').fill('Entra ID provisioning');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    // Without the password the form comes back and says so.
    await expectText(page, 'Enter your password to confirm it is you.');
    await page.getByLabel('Your password').fill(acme.password);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();

    const secret = (await page.locator('#new-token').textContent())!.trim();
    expect(secret).toMatch(/^gscim_[\w-]{43}$/);
    await expectText(page, "Copy it now: it won't be shown again.");
    await expectText(page, 'SSO self-signup is now off for your team');
    await page.getByRole('button', { name: 'Copy the new SCIM token' }).click();
    // While it says "Copied", that is also its accessible name (WCAG 2.5.3: the visible words start the name).
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor({ timeout: 5000 });
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await screenshot(page, 'scim-token-created');
    expect(await server.services.scimTokens.authenticate(secret)).not.toBeNull();

    await page.goto(`${server.url}/admin/scim`);
    expect(await page.content()).not.toContain(secret);
    await expectText(page, 'Tokens 1 of 8');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete Entra ID provisioning' }).click();
    await page.waitForURL(`${server.url}/admin/scim`);
    await expectText(page, 'It was the last one, so SSO self-signup is on again.');
    await expectText(page, 'Tokens 0 of 8');
    expect(await server.services.scimTokens.authenticate(secret)).toBeNull();
  });

  test('When the admin cancels the delete confirmation, then the token stays', async () => {
    await server.services.scimTokens.create(acme.teamId, { description: 'Okta' }, operatorActor);
    await page.goto(`${server.url}/admin/scim`);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Delete Okta' }).click();
    await expectText(page, 'Tokens 1 of 8');
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(1);
  });

  test('When the admin suspends a manual user, then the badge turns to Suspended and the audit log records it', async () => {
    await page.goto(`${server.url}/admin/people`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Suspend Alan Turing' }).click();
    await expectText(page, 'Suspended Alan Turing.');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await expectText(page, 'user.suspended');
    await screenshot(page, 'audit-log');
    await page.getByRole('link', { name: 'Provisioning log' }).click();
    await expectText(page, 'userName "grace" is already taken');
    await screenshot(page, 'provisioning-log');
  });

  test('When the admin resends an invitation to a pending person, then People says where it went', async () => {
    await page.goto(`${server.url}/admin/people`);
    await page.getByRole('button', { name: 'Resend invitation to Linus Pending' }).click();
    await expectText(page, 'Sent a new invitation to linus@acme.example.');
    await screenshot(page, 'people-invitation-resent');
  });

  test('When the owner opens Groups and turns on group-managed roles, then the role groups are marked and a group lists its members', async () => {
    const members = (await server.services.store.users.list(acme.teamId, { startIndex: 1, count: 10 })).items.filter((u) => u.managedBy === 'scim');
    await server.services.groups.create(acme.teamId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', externalId: 'grp-eng', members: members.map((u) => ({ value: u.id })) }, operatorActor);
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.waitForURL(`${server.url}/admin/groups`);
    await expectText(page, 'Engineering');
    await page.getByRole('switch', { name: 'Group-managed roles' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(page, 'Group-managed roles are on');
    await expectText(page, 'Role group: Admin');
    await screenshot(page, 'groups');
    await page.getByRole('link', { name: 'Engineering' }).click();
    await expectText(page, `${members.length} members`);
    await screenshot(page, 'group');
  });

  test('When the admin signs out, then team management asks for sign-in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/admin/login`);
    await expectText(page, 'You are signed out.');
    await page.goto(`${server.url}/admin/scim`);
    await page.waitForURL(/\/admin\/login/);
  });

  test('When pages were shown, then no Content-Security-Policy violation was reported', () => {
    expect(cspViolations).toEqual([]);
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 5000 });
}

async function expect_(locator: ReturnType<Page['getByRole']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ timeout: 5000 });
}
