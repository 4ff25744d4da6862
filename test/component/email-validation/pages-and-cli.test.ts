import { spawn } from 'node:child_process';
import path from 'node:path';
import { operatorActor } from '../../../src/accounts/audit';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from '../web/page-client';
import { confirmLink, newestLinkTo, outboxMailsTo, setValidation, ssoTeam, tokenOf, uniqueAddress, type SsoTeam } from './support';

const BIN = path.resolve(__dirname, '../../../bin/gatehouse.js');

function gatehouse(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The flag on the SSO page and in the CLI; the state and the re-send button on People. */
describe('Email validation on the pages and in the CLI', () => {
  let server: TestServer;
  let acme: SsoTeam;
  let owner: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await ssoTeam(server, 'Acme');
    owner = new PageClient(server.url);
    await owner.signIn(acme.team.email, acme.team.password);
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
  });

  /** The table row naming `text` (the search box above the table names it too). */
  const rowOf = (html: string, text: string) => {
    const at = html.indexOf(text, html.indexOf('<tbody>'));
    return at < 0 ? '' : html.slice(html.lastIndexOf('<tr>', at), html.indexOf('</tr>', at));
  };

  test('When the owner switches email validation on the SSO page, then it is on for the API too, and off again', async () => {
    const page = await owner.get('/admin/sso');
    expect(visibleText(page.html)).toContain('Validate email addresses (validate_saml_emails) Off');
    const on = await owner.post('/admin/sso/settings', { validate_saml_emails: 'on' });
    expect(on.status).toBe(303);
    expect(visibleText((await owner.get('/admin/sso')).html)).toContain('Email validation is on');
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(true);
    await owner.post('/admin/sso/settings', {});
    expect(visibleText((await owner.get('/admin/sso')).html)).toContain('Email validation is off: no new validation mails are sent');
    expect((await call(server.url, 'GET', '/team/settings', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(false);
  });

  test('When an admin who is not the owner posts the switch, then it stays off and the page says only an owner can change it', async () => {
    const email = uniqueAddress('admin');
    await server.services.accounts.addAdmin({ teamId: acme.team.teamId, email, role: 'admin', password: 'admin password 123', actor: operatorActor });
    const admin = new PageClient(server.url);
    await admin.signIn(email, 'admin password 123');
    const page = await admin.get('/admin/sso');
    expect(page.html).toMatch(/id="validate_saml_emails"[^>]*disabled/);
    await admin.post('/admin/sso/settings', { validate_saml_emails: 'on' });
    expect(visibleText((await admin.get('/admin/sso')).html)).toContain('Only a team owner can turn email validation on or off.');
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(false);
  });

  test('When the operator runs `gatehouse team settings --validate-saml-emails on`, then the flag is on and the change is audited as the operator', async () => {
    const env = { DATA_DIR: server.dataDir, LOG_LEVEL: 'silent' };
    const bad = await gatehouse(['team', 'settings', '--team', acme.team.teamId, '--validate-saml-emails', 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--validate-saml-emails takes "on" or "off"');
    const run = await gatehouse(['team', 'settings', '--team', acme.team.teamId, '--validate-saml-emails', 'on', '--json'], env);
    // stderr names the store the CLI works on, and nothing else.
    expect(run.stderr.trim()).toBe(`Store: SQLite ${path.join(server.dataDir, 'gatehouse.db')} (DATA_DIR=${server.dataDir})`);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ team: acme.team.teamId, settings: { group_managed_roles: false, validate_saml_emails: true } });
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(true);
    const [entry] = await server.services.store.audit.list({ teamId: acme.team.teamId, action: 'team.settings.changed', limit: 1 });
    expect(entry).toMatchObject({ actor: { type: 'operator' }, details: { validate_saml_emails: { from: false, to: true } } });
    const shown = await gatehouse(['team', 'settings', '--team', acme.team.teamId], env);
    expect(shown.stdout).toContain('validate_saml_emails: on');
  });

  test('When a provisioned person has not opened their link, then People says "email not validated" with a re-send button that sends a new link; once opened it says "email validated"', async () => {
    const address = uniqueAddress('pat');
    const created = await acme.provision(address);
    const id = created.body.id as string;
    const name = created.body.displayName as string;
    const people = await owner.get(`/admin/people?q=${encodeURIComponent(name)}`);
    const row = rowOf(people.html, name);
    expect(visibleText(row)).toContain(address);
    expect(visibleText(row)).toContain('email not validated');
    expect(row).toContain(`action="/admin/people/${id}/email-validation"`);

    const firstLink = await newestLinkTo(server, address);
    const sent = await owner.post(`/admin/people/${id}/email-validation`, { back: '/admin/people' });
    expect(sent.status).toBe(303);
    expect(visibleText((await owner.get('/admin/people')).html)).toContain(`Sent a new validation mail to ${address}. The link in earlier mails no longer works.`);
    expect(await outboxMailsTo(server, address)).toHaveLength(2);
    expect((await confirmLink(server, tokenOf(firstLink))).page.status).toBe(410);
    expect((await confirmLink(server, tokenOf(await newestLinkTo(server, address)))).done!.status).toBe(200);

    const after = rowOf((await owner.get(`/admin/people?q=${encodeURIComponent(name)}`)).html, name);
    expect(visibleText(after)).toContain('email validated');
    expect(visibleText(after)).not.toContain('not validated');
    expect(after).not.toContain('/email-validation"');
  });

  test('When the People page re-send is pressed a sixth time in 15 minutes, then nothing is sent and the page says to wait', async () => {
    const address = uniqueAddress('limit');
    const created = await acme.provision(address);
    await owner.get('/admin/people');
    for (let i = 0; i < 5; i++) await owner.post(`/admin/people/${created.body.id}/email-validation`, { back: '/admin/people' });
    const sixth = await owner.post(`/admin/people/${created.body.id}/email-validation`, { back: '/admin/people' });
    expect(sixth.status).toBe(303);
    expect(visibleText((await owner.get('/admin/people')).html)).toContain('Not sent: This person was sent 5 validation mails in the last 15 minutes');
    expect(await outboxMailsTo(server, address)).toHaveLength(6);
  });

  test('When the link page is opened without a session, then it is a product page with the CSRF-protected confirm form; a POST without the CSRF field is refused', async () => {
    const address = uniqueAddress('csrf');
    await acme.provision(address);
    const token = tokenOf(await newestLinkTo(server, address));
    const page = await call<string>(server.url, 'GET', `/email-validation?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('<form method="post" action="/email-validation"');
    expect(page.text).toContain('Gatehouse');
    const forged = await call<string>(server.url, 'POST', '/email-validation', { body: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.status).toBe(403);
    expect((await confirmLink(server, token)).done!.status).toBe(200);
  });

  test('When the flag is off again, then new people get no mail and no badge, and waiting people keep their badge without a re-send button', async () => {
    const waiting = (await acme.provision(uniqueAddress('waiting'))).body;
    await setValidation(server, acme.team, false);
    const waitingRow = rowOf((await owner.get(`/admin/people?q=${encodeURIComponent(waiting.displayName)}`)).html, waiting.displayName);
    expect(visibleText(waitingRow)).toContain('email not validated');
    expect(waitingRow).not.toContain('/email-validation"');
    const address = uniqueAddress('none');
    const name = (await acme.provision(address)).body.displayName as string;
    expect(await outboxMailsTo(server, address)).toEqual([]);
    const row = rowOf((await owner.get(`/admin/people?q=${encodeURIComponent(name)}`)).html, name);
    expect(row).toContain(name);
    expect(visibleText(row)).not.toContain('validated');
  });
});
