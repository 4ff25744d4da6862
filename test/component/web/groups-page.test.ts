import { operatorActor } from '../../../src/accounts/audit';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

describe('Team → Groups page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let owner: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    owner = new PageClient(server.url);
    await owner.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  const createGroup = (displayName: string, memberIds: string[], externalId?: string) =>
    server.services.groups.create(acme.teamId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, ...(externalId ? { externalId } : {}), members: memberIds.map((value) => ({ value })) }, operatorActor);

  test('When the team has no groups, then the page says where they come from and shows the switch off', async () => {
    const page = await owner.get('/admin/groups');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('No groups yet.');
    expect(text).toContain('Group-managed roles Off');
    expect(page.html).toContain('<a href="/admin/groups" aria-current="page">Groups</a>');
  });

  test('When groups exist, then the list shows member counts, and a group page pages its members with their role and status', async () => {
    const people = [];
    for (let i = 0; i < 30; i++) people.push(await addPerson(server, acme.teamId, { name: `Engineer ${String(i).padStart(2, '0')}`, managedBy: 'scim' }));
    const eng = await createGroup('Engineering', people.map((p) => p.id), 'eng-1');
    await createGroup('Design', people.slice(0, 2).map((p) => p.id));
    const list = await owner.get('/admin/groups');
    const text = visibleText(list.html);
    expect(text).toContain('2 groups in Acme');
    expect(text).toMatch(/Engineering externalId eng-1 30/);
    expect(text).toMatch(/Design 2/);

    const first = await owner.get(`/admin/groups/${eng.group.id}`);
    expect(visibleText(first.html)).toContain('30 members');
    expect(visibleText(first.html)).toContain('1–25 of 30 · page 1 of 2');
    expect(visibleText(first.html)).toContain('Engineer 00');
    const second = await owner.get(`/admin/groups/${eng.group.id}?page=2`);
    expect(visibleText(second.html)).toContain('26–30 of 30 · page 2 of 2');
    expect(visibleText(second.html)).toContain('Engineer 29');
    expect(visibleText(second.html)).not.toContain('Engineer 00');

    const search = await owner.get('/admin/groups?q=desi');
    expect(visibleText(search.html)).toContain('1 group matching “desi”');
  });

  test('When an admin who is not an owner opens the page, then the switch is shown but disabled, and a forced post changes nothing', async () => {
    const admin = await addPerson(server, acme.teamId, { name: 'Ada Admin', role: 'admin', email: 'ada@acme.test', password: 'admin password 12' });
    const client = new PageClient(server.url);
    await client.signIn(admin.email!, 'admin password 12');
    const page = await client.get('/admin/groups');
    expect(page.html).toMatch(/id="group_managed_roles"[^>]*disabled/);
    expect(visibleText(page.html)).toContain('Only a team owner can change this');
    const forced = await client.post('/admin/groups/settings', { group_managed_roles: 'on' });
    expect(forced.status).toBe(303);
    expect(visibleText((await client.get('/admin/groups')).html)).toContain('Only a team owner can turn group-managed roles on or off.');
    expect((await server.services.teamSettings.get(acme.teamId)).group_managed_roles).toBe(false);
  });

  test('When the owner turns group-managed roles on, then the role groups appear marked, current admins keep admin, and turning it off keeps roles', async () => {
    await owner.get('/admin/groups');
    const on = await owner.post('/admin/groups/settings', { group_managed_roles: 'on' });
    expect(on.status).toBe(303);
    const page = await owner.get('/admin/groups');
    const text = visibleText(page.html);
    expect(text).toContain('Group-managed roles are on');
    expect(text).toContain('Group-managed roles On');
    expect(text).toContain('Gatehouse Admins grants Admin');
    expect(text).toContain('Role group: Admin');
    const settings = await server.services.teamSettings.get(acme.teamId);
    expect(settings.group_managed_roles).toBe(true);
    const adminGroup = settings.role_groups.find((g) => g.role === 'admin')!;
    const groupPage = visibleText((await owner.get(`/admin/groups/${adminGroup.id}`)).html);
    expect(groupPage).toContain('This is a role group');
    expect(groupPage).toContain('Ada Admin');
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'team.settings.changed', limit: 5 });
    expect(audit[0]).toMatchObject({ actor: { id: acme.ownerId } });

    await owner.get('/admin/groups');
    const off = await owner.post('/admin/groups/settings', {});
    expect(off.status).toBe(303);
    expect(visibleText((await owner.get('/admin/groups')).html)).toContain('Group-managed roles are off');
    expect((await server.services.teamSettings.get(acme.teamId)).group_managed_roles).toBe(false);
  });

  test('When the switch form is posted without its CSRF token, then it is refused', async () => {
    await owner.get('/admin/groups');
    const res = await owner.post('/admin/groups/settings', { group_managed_roles: 'on' }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await server.services.teamSettings.get(acme.teamId)).group_managed_roles).toBe(false);
  });
});
