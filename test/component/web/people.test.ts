import { operatorActor } from '../../../src/accounts/audit';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

describe('People page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  const rowOf = (html: string, name: string) => {
    const row = html.split('<tr>').find((r) => r.includes(`>${name}<`));
    if (!row) throw new Error(`no row for ${name}`);
    return row;
  };

  test('When an admin looks at People, then each person shows status and managed-by, and SCIM people are read-only', async () => {
    await addPerson(server, acme.teamId, { name: 'Grace Provisioned', managedBy: 'scim', scimEmail: 'grace@idp.test' });
    await addPerson(server, acme.teamId, { name: 'Pat Pending', managedBy: 'scim', status: 'pending', scimEmail: 'pat@idp.test' });
    await addPerson(server, acme.teamId, { name: 'Sam Sso', managedBy: 'sso', status: 'suspended' });
    await addPerson(server, acme.teamId, { name: 'Manny Manual', email: 'manny@acme.test' });
    const page = await admin.get('/admin/people');
    expect(page.status).toBe(200);
    const grace = visibleText(rowOf(page.html, 'Grace Provisioned'));
    expect(grace).toContain('Active');
    expect(grace).toContain('SCIM');
    expect(grace).toContain('Managed by your identity provider');
    expect(grace).toContain('grace@idp.test');
    expect(rowOf(page.html, 'Grace Provisioned')).not.toContain('/suspend');
    expect(visibleText(rowOf(page.html, 'Pat Pending'))).toContain('Pending invitation');
    const sam = visibleText(rowOf(page.html, 'Sam Sso'));
    expect(sam).toContain('Suspended');
    expect(sam).toContain('SSO');
    expect(sam).toContain('Reinstate');
    const manny = visibleText(rowOf(page.html, 'Manny Manual'));
    expect(manny).toContain('Manual');
    expect(manny).toContain('Suspend');
    expect(visibleText(rowOf(page.html, acme.email.split('@')[0]!))).toContain('You');
  });

  test('When an admin searches by part of a name, a handle or an email, then only matching people are listed', async () => {
    await addPerson(server, acme.teamId, { name: 'Zora Neale', managedBy: 'scim', scimEmail: 'zora.n@writers.test' });
    const byName = visibleText((await admin.get('/admin/people?q=neal')).html);
    expect(byName).toContain('Zora Neale');
    expect(byName).not.toContain('Grace Provisioned');
    expect(byName).toContain('1 person matching “neal”');
    const byHandle = visibleText((await admin.get('/admin/people?q=zora.neale')).html);
    expect(byHandle).toContain('Zora Neale');
    const byEmail = visibleText((await admin.get('/admin/people?q=WRITERS.test')).html);
    expect(byEmail).toContain('Zora Neale');
    const bySignInEmail = visibleText((await admin.get('/admin/people?q=manny%40acme.test')).html);
    expect(bySignInEmail).toContain('Manny Manual');
    const none = visibleText((await admin.get('/admin/people?q=nobody-like-this')).html);
    expect(none).toContain('Nobody matches “nobody-like-this”');
  });

  test('When the team has more people than fit on a page, then Next and Previous walk through all of them', async () => {
    const other = await createTeam(server, 'Bigco');
    for (let i = 0; i < 30; i++) await addPerson(server, other.teamId, { name: `Person ${String(i).padStart(2, '0')}`, managedBy: 'scim' });
    const browser = new PageClient(server.url);
    await browser.signIn(other.email, other.password);
    const first = await browser.get('/admin/people');
    expect(visibleText(first.html)).toContain('1–25 of 31 · page 1 of 2');
    expect(first.html).toContain('href="/admin/people?page=2"');
    const second = await browser.get('/admin/people?page=2');
    const text = visibleText(second.html);
    expect(text).toContain('26–31 of 31 · page 2 of 2');
    expect(second.html).toContain('rel="prev"');
    expect(second.html).not.toContain('rel="next"');
    // Teams never see each other's people.
    expect(text).not.toContain('Manny Manual');
  });

  test('When an admin suspends and reinstates a manual user, then the status changes, their sessions end and both steps are audited', async () => {
    const bob = await addPerson(server, acme.teamId, { name: 'Bob Manual', email: 'bob@acme.test', password: 'bob-password-1' });
    const bobSession = await server.services.accounts.issueToken(bob, 'session');
    await admin.get('/admin/people');
    const suspended = await admin.post(`/admin/people/${bob.id}/suspend`, { version: String(bob.version), back: '/admin/people?q=bob' });
    expect(suspended.status).toBe(303);
    expect(suspended.location).toBe('/admin/people?q=bob');
    const after = await admin.get('/admin/people?q=bob');
    expect(visibleText(after.html)).toContain('Suspended Bob Manual. They are signed out and cannot sign in until you reinstate them.');
    expect(visibleText(rowOf(after.html, 'Bob Manual'))).toContain('Suspended');
    expect(await server.services.accounts.authenticate(bobSession.secret, 'session')).toBeNull();

    const stored = (await server.services.store.users.get(acme.teamId, bob.id))!;
    const reinstated = await admin.post(`/admin/people/${bob.id}/reinstate`, { version: String(stored.version) });
    expect(reinstated.status).toBe(303);
    expect((await server.services.store.users.get(acme.teamId, bob.id))!.status).toBe('active');
    expect(visibleText((await admin.get('/admin/people')).html)).toContain('Reinstated Bob Manual. They can sign in again.');

    const audit = await server.services.store.audit.list({ teamId: acme.teamId, limit: 20 });
    const mine = audit.filter((e) => e.targetId === bob.id).map((e) => [e.action, e.actor.id]);
    expect(mine).toEqual([['user.reinstated', acme.ownerId], ['user.suspended', acme.ownerId]]);
  });

  test('When someone changed the person since the page was loaded, then the suspend is not applied and the admin is told why', async () => {
    const carol = await addPerson(server, acme.teamId, { name: 'Carol Concurrent' });
    await server.services.store.users.update({ ...carol, displayName: 'Carol Concurrent' }, carol.version);
    await admin.get('/admin/people');
    const res = await admin.post(`/admin/people/${carol.id}/suspend`, { version: String(carol.version) });
    expect(res.status).toBe(303);
    expect(visibleText((await admin.get('/admin/people')).html)).toContain('was changed by someone else while you were looking');
    expect((await server.services.store.users.get(acme.teamId, carol.id))!.status).toBe('active');
  });

  test('When an admin tries to suspend a SCIM-managed user or themselves, then a 403 page explains where to do it instead', async () => {
    const scimUser = await addPerson(server, acme.teamId, { name: 'Ida Directory', managedBy: 'scim' });
    await admin.get('/admin/people');
    const res = await admin.post(`/admin/people/${scimUser.id}/suspend`, {});
    expect(res.status).toBe(403);
    expect(visibleText(res.html)).toContain('Ida Directory is managed by your identity provider: change their status there (SCIM "active").');
    expect((await server.services.store.users.get(acme.teamId, scimUser.id))!.status).toBe('active');

    await admin.get('/admin/people');
    const self = await admin.post(`/admin/people/${acme.ownerId}/suspend`, {});
    expect(self.status).toBe(403);
    expect(visibleText(self.html)).toContain('You cannot suspend or reinstate yourself.');
  });

  test("When an admin posts a suspend for another team's user or a made-up id, then 404 and nothing changes", async () => {
    const other = await createTeam(server, 'Othercorp');
    const stranger = await addPerson(server, other.teamId, { name: 'Stranger Danger' });
    await admin.get('/admin/people');
    expect((await admin.post(`/admin/people/${stranger.id}/suspend`, {})).status).toBe(404);
    await admin.get('/admin/people');
    expect((await admin.post('/admin/people/not-a-uuid/suspend', {})).status).toBe(404);
    expect((await server.services.store.users.get(other.teamId, stranger.id))!.status).toBe('active');
  });

  test('When an admin (not an owner) tries to suspend the owner, then only owners may', async () => {
    await server.services.accounts.addAdmin({ teamId: acme.teamId, email: 'deputy@acme.test', role: 'admin', password: 'deputy-password', actor: operatorActor });
    const deputy = new PageClient(server.url);
    await deputy.signIn('deputy@acme.test', 'deputy-password');
    await deputy.get('/admin/people');
    const res = await deputy.post(`/admin/people/${acme.ownerId}/suspend`, {});
    expect(res.status).toBe(403);
    expect(visibleText(res.html)).toContain('Only a team owner can suspend or reinstate an owner.');
  });
});
