import { operatorActor } from '../../../src/accounts/audit';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

describe('Audit log and provisioning log pages', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
    const { audit } = server.services;
    await audit({ teamId: acme.teamId, actor: { type: 'user', id: acme.ownerId, name: acme.email }, action: 'user.suspended', targetType: 'user', targetId: null, details: { handle: 'old-one' }, at: '2026-01-10T09:00:00.000Z' });
    await audit({ teamId: acme.teamId, actor: { type: 'user', id: acme.ownerId, name: acme.email }, action: 'user.reinstated', targetType: 'user', targetId: null, details: { handle: 'old-one' }, at: '2026-01-12T09:00:00.000Z' });
    await server.services.scimTokens.create(acme.teamId, { description: 'Entra', name: 'Entra ID' }, operatorActor);
  });
  afterAll(() => server.close());

  const rows = (html: string) => (html.split('<tbody>')[1] ?? '').split('<tr>').slice(1).map(visibleText);

  test('When an admin opens the audit log, then entries are listed newest first with actor, action and details', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).toBe(200);
    const list = rows(page.html);
    expect(list[0]).toContain('scim-token.created');
    expect(list[0]).toContain('cli operator');
    expect(list.at(-1)).toContain('user.suspended');
    expect(list.at(-1)).toContain('10 Jan 2026, 09:00 UTC');
    expect(list.at(-1)).toContain('handle: old-one');
  });

  test('When the admin filters by action, actor email or a day range, then only those entries show', async () => {
    const byAction = rows((await admin.get('/admin/audit?action=user.reinstated')).html);
    expect(byAction).toHaveLength(1);
    expect(byAction[0]).toContain('user.reinstated');

    const byActor = rows((await admin.get(`/admin/audit?actor=${encodeURIComponent(acme.email.toUpperCase())}`)).html);
    expect(byActor.map((r) => /(user\.\w+)/.exec(r)?.[1])).toEqual(['user.reinstated', 'user.suspended']);

    const byDay = rows((await admin.get('/admin/audit?from=2026-01-10&to=2026-01-10')).html);
    expect(byDay).toHaveLength(1);
    expect(byDay[0]).toContain('user.suspended');
  });

  test('When the filter names nobody or an impossible date, then the field says what is wrong and how to fix it', async () => {
    const nobody = await admin.get('/admin/audit?actor=ghost%40nowhere.test');
    expect(nobody.status).toBe(400);
    expect(nobody.html).toMatch(/id="actor-error" class="field-error">Nobody in Acme is “ghost@nowhere.test”\. Type an admin&#39;s email address or handle, or a SCIM token&#39;s name\./);
    const badDate = await admin.get('/admin/audit?from=2026-02-30');
    expect(badDate.status).toBe(400);
    expect(visibleText(badDate.html)).toContain('Enter the date as YYYY-MM-DD');
    const reversed = await admin.get('/admin/audit?from=2026-02-10&to=2026-02-01');
    expect(visibleText(reversed.html)).toContain('“To” is before “From”');
  });

  test('When there are more entries than a page holds, then Older walks back without repeating any', async () => {
    const other = await createTeam(server, 'Busy');
    for (let i = 0; i < 30; i++) await server.services.audit({ teamId: other.teamId, actor: operatorActor, action: 'test.event', targetType: null, targetId: null, details: { n: i } });
    const browser = new PageClient(server.url);
    await browser.signIn(other.email, other.password);
    const first = await browser.get('/admin/audit?action=test.event');
    const older = /href="(\/admin\/audit\?[^"]*before=[^"]+)" rel="next"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    const second = await browser.get(older!);
    const seen = [...rows(first.html), ...rows(second.html)].map((r) => /n: (\d+)/.exec(r)?.[1]);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(second.html).not.toContain('rel="next"');
  });

  test('When the IdP has sent SCIM requests, then the provisioning log lists them with status, error detail and token name', async () => {
    const token = (await server.services.scimTokens.list(acme.teamId))[0]!;
    const log = server.services.store.provisioningLog;
    await log.append({ teamId: acme.teamId, at: '2026-03-01T10:00:00.000Z', tokenId: token.id, method: 'POST', path: '/scim/v2/Users', status: 409, scimType: 'uniqueness', detail: 'userName "grace" is already taken.', durationMs: 14 });
    await log.append({ teamId: acme.teamId, at: '2026-03-01T10:01:00.000Z', tokenId: token.id, method: 'GET', path: '/scim/v2/Users', status: 200, scimType: null, detail: null, durationMs: 3 });
    const all = rows((await admin.get('/admin/provisioning')).html);
    expect(all).toHaveLength(2);
    expect(all[0]).toContain('GET /scim/v2/Users');
    expect(all[1]).toContain('409');
    expect(all[1]).toContain('uniqueness userName "grace" is already taken.');
    expect(all[1]).toContain('Entra ID');
    const failed = rows((await admin.get('/admin/provisioning?errors=1')).html);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('409');
  });
});
