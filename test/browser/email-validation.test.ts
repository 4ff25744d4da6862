import type { Page } from 'playwright-core';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';
import { selfWithSession, signInThrough } from '../support/sso';
import { newestLinkTo, setValidation, ssoTeam, uniqueAddress, type SsoTeam } from '../component/email-validation/support';
import { launchChromium, type Browser } from './support/chromium';
import { checkPage } from './support/page-checks';
import { screenshot, watchCsp } from './support/screenshots';

/**
 * Issue 21 end to end: the owner turns validate_saml_emails on, the directory provisions a person,
 * the validation mail lands in DATA_DIR/outbox, the person opens its link in Chromium (not signed
 * in) and confirms, People shows the address validated and /self carries it.
 */
describe('Email validation in the browser', () => {
  let server: TestServer;
  let acme: SsoTeam;
  let admin: Browser;
  let person: Browser;
  let adminPage: Page;
  let cspViolations: string[];
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await ssoTeam(server, 'Acme');
    admin = await launchChromium();
    admin.context.setDefaultTimeout(8000);
    person = await launchChromium({ width: 390, height: 844 });
    person.context.setDefaultTimeout(8000);
    adminPage = await admin.context.newPage();
    cspViolations = watchCsp(adminPage);
  });
  afterAll(async () => {
    await server?.services.invitations.idle();
    await admin?.close();
    await person?.close();
    await server?.close();
  });

  test('When the flag is on and SCIM provisions Jane, then People shows her email not validated; after she opens the mailed link and confirms, People shows it validated and /self has it', async () => {
    expect((await setValidation(server, acme.team, true)).status).toBe(200);
    const address = uniqueAddress('jane');
    const created = await acme.provision(address);
    expect(created.status).toBe(201);
    const name = created.body.displayName as string;

    await adminPage.goto(`${server.url}/admin/login`);
    await adminPage.getByLabel('Email').fill(acme.team.email);
    await adminPage.getByLabel('Password').fill(acme.team.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.waitForURL(`${server.url}/admin/people`);
    const row = adminPage.getByRole('row').filter({ hasText: name });
    await row.getByText('email not validated').waitFor();
    await screenshot(adminPage, 'people-email-not-validated');
    expect(await checkPage(adminPage, 'people with an unvalidated email')).toEqual([]);
    // The admin re-sends: only the newest link works from now on.
    await row.getByRole('button', { name: `Re-send validation to ${name}` }).click();
    await adminPage.getByText(`Sent a new validation mail to ${address}.`).waitFor();

    const link = await newestLinkTo(server, address);
    const tab = await person.context.newPage();
    const personCsp = watchCsp(tab);
    await tab.goto(link);
    await tab.getByRole('heading', { name: 'Confirm your email address' }).waitFor();
    await tab.getByText(address).first().waitFor();
    await screenshot(tab, 'email-validation');
    expect(await checkPage(tab, 'email validation link page')).toEqual([]);
    await tab.getByRole('button', { name: `Confirm ${address}` }).click();
    await tab.getByRole('heading', { name: 'Thank you' }).waitFor();
    expect(await tab.locator('main').textContent()).toContain(`${address} is confirmed as your email address in Acme.`);

    // The same link again: a page that says it was used and how to get a new one.
    await tab.goto(link);
    await tab.getByRole('heading', { name: 'Validation link already used' }).waitFor();
    await tab.getByText('ask your team administrator to send a new one').waitFor();
    expect(await checkPage(tab, 'email validation link already used')).toEqual([]);
    expect(personCsp).toEqual([]);

    await adminPage.goto(`${server.url}/admin/people`);
    await adminPage.getByRole('row').filter({ hasText: name }).getByText('email validated').waitFor();
    expect(await adminPage.getByRole('row').filter({ hasText: name }).getByText('email not validated').count()).toBe(0);
    expect(cspViolations).toEqual([]);

    const signedIn = await signInThrough(server, acme.idp, acme.team.teamId, acme.idpId, { nameId: address });
    const self = await selfWithSession(server, signedIn.session!);
    expect(self.body).toMatchObject({ id: created.body.id, email: address, status: 'active' });
  });

  test('When the flag is off, then a newly provisioned person gets no mail and People shows no validation state', async () => {
    await setValidation(server, acme.team, false);
    const address = uniqueAddress('quiet');
    const created = await acme.provision(address);
    await expect(newestLinkTo(server, address)).rejects.toThrow('no mail');
    await adminPage.goto(`${server.url}/admin/people?q=${encodeURIComponent(created.body.displayName)}`);
    const row = adminPage.getByRole('row').filter({ hasText: created.body.displayName });
    await row.waitFor();
    expect(await row.getByText(/validated/).count()).toBe(0);
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(false);
  });
});
