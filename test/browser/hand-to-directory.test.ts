import type { Page } from 'playwright-core';
import { operatorActor } from '../../src/accounts/audit';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { launchChromium, type Browser } from './support/chromium';
import { screenshot, watchCsp } from './support/screenshots';

/** People → "Hand to directory" in a real browser: the confirmation says what it means before anything happens. */
describe('An owner hands a password admin to the directory in the browser', () => {
  let server: TestServer;
  let acme: TestTeam;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[];
  let adminId: string;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    adminId = (await server.services.accounts.addAdmin({ teamId: acme.teamId, email: 'hedy@acme.example', role: 'admin', password: 'frequency hopping 1942', actor: operatorActor })).id;
    browser = await launchChromium();
    page = await browser.context.newPage();
    cspViolations = watchCsp(page);
    await page.goto(`${server.url}/admin/login`);
    await page.getByLabel('Email').fill(acme.email);
    await page.getByLabel('Password').fill(acme.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/admin/people`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('When the owner dismisses the confirmation, then nothing changes; when they accept it, then the admin is managed by the directory', async () => {
    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Hand to directory hedy' }).click();
    expect(question).toContain('Your identity provider (SCIM) can then see, change, suspend and delete them');
    expect((await server.services.store.users.get(acme.teamId, adminId))!.managedBy).toBe('manual');
    await screenshot(page, 'people-hand-to-directory');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Hand to directory hedy' }).click();
    await page.getByText('Handed hedy to the directory.').waitFor({ state: 'visible', timeout: 5000 });
    expect((await server.services.store.users.get(acme.teamId, adminId))!.managedBy).toBe('scim');
    expect(cspViolations).toEqual([]);
  });
});
