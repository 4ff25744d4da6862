/**
 * SCIM sees only what the directory may own (issue 14, item 10): users it created, SSO self-signups
 * and invited users. The team's password owners and admins are absent from lists and filters and
 * answer 404 by id, exactly like an id that does not exist.
 */
import { operatorActor } from '../../../src/accounts/audit';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUser } from '../../support/store-fixtures';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ADMIN_PASSWORD = 'admin password that is long';

describe('Password owners and admins are outside the SCIM directory', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  let adminId: string;
  let adminEmail: string;
  let scimIds: string[];
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '1000' });
    acme = await createTeam(server, 'Acme');
    adminEmail = `admin-${acme.teamId.slice(0, 6)}@acme.test`;
    adminId = (await server.services.accounts.addAdmin({ teamId: acme.teamId, email: adminEmail, role: 'admin', password: ADMIN_PASSWORD, actor: operatorActor })).id;
    token = await createScimToken(server, acme, 'Okta');
    scimIds = [];
    for (const name of ['ann', 'ben', 'cat']) {
      const r = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { schemas: [USER], userName: name, externalId: `${name}@acme.test`, displayName: `${name} Directory` } });
      expect(r.status).toBe(201);
      scimIds.push(r.body.id);
    }
    // An SSO self-signup from before the token: the directory may adopt it, so it sees it.
    scimIds.push((await server.services.store.users.create(newUser(acme.teamId, { managedBy: 'sso', displayName: 'Jit Person', handle: `jit.${acme.teamId.slice(0, 6)}`, nameId: 'jit@acme.test' }))).id);
  });
  afterAll(() => server.close());

  const list = (query: string, t = token) => call(server.url, 'GET', `/scim/v2/Users${query}`, { token: t });
  const ids = (body: { Resources: Array<{ id: string }> }) => body.Resources.map((u) => u.id).sort();

  test('When the directory lists users, then the owner and the password admin are not counted and not listed, on any page', async () => {
    const all = await list('?count=100');
    expect(all.status).toBe(200);
    expect(all.body.totalResults).toBe(4);
    expect(ids(all.body)).toEqual([...scimIds].sort());
    const second = await list('?startIndex=3&count=2');
    expect(second.body).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    const third = await list('?startIndex=5&count=2');
    expect(third.body).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
  });

  test('When the directory filters by their userName, email, displayName or active, then the password accounts never match', async () => {
    const owner = (await server.services.store.users.get(acme.teamId, acme.ownerId))!;
    const admin = (await server.services.store.users.get(acme.teamId, adminId))!;
    for (const filter of [`userName eq "${owner.handle}"`, `userName eq "${admin.handle}"`, `displayName eq "${admin.displayName}"`, `emails.value eq "${adminEmail}"`, `externalId eq "${adminEmail}"`]) {
      const r = await list(`?filter=${encodeURIComponent(filter)}`);
      expect([filter, r.status, r.body.totalResults]).toEqual([filter, 200, 0]);
    }
    // The team has no IdP: the directory's users are invited (pending, active false); the SSO signup is active. The active owner and admin are not.
    expect((await list(`?filter=${encodeURIComponent('active eq true')}&count=100`)).body.totalResults).toBe(1);
    expect((await list(`?filter=${encodeURIComponent('active eq false')}&count=100`)).body.totalResults).toBe(3);
    const search = await call(server.url, 'POST', '/scim/v2/Users/.search', { token, json: { schemas: [SEARCH], filter: `userName eq "${owner.handle}" or userName eq "ann"`, count: 10 } });
    expect(search.status).toBe(200);
    expect(search.body.totalResults).toBe(1);
    expect(search.body.Resources[0].userName).toBe('ann');
  });

  test('When the directory GETs, PATCHes, PUTs or DELETEs a password account by id, then it answers the same 404 as for an id that does not exist', async () => {
    const unknown = '0190a7b2-0000-7000-8000-000000000000';
    const asUnknown = (body: { detail: string }, id: string) => ({ ...body, detail: body.detail.replace(id, unknown) });
    const missing = await call(server.url, 'GET', `/scim/v2/Users/${unknown}`, { token });
    expect(missing.status).toBe(404);
    for (const id of [acme.ownerId, adminId]) {
      const get = await call(server.url, 'GET', `/scim/v2/Users/${id}`, { token });
      expect(get.status).toBe(404);
      expect(asUnknown(get.body, id)).toEqual(missing.body);
      const patch = await call(server.url, 'PATCH', `/scim/v2/Users/${id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } });
      expect(patch.status).toBe(404);
      expect(asUnknown(patch.body, id)).toEqual(missing.body);
      const put = await call(server.url, 'PUT', `/scim/v2/Users/${id}`, { token, json: { schemas: [USER], userName: 'taken.over', externalId: 'x@acme.test', displayName: 'X', active: false } });
      expect(put.status).toBe(404);
      const del = await call(server.url, 'DELETE', `/scim/v2/Users/${id}`, { token });
      expect(del.status).toBe(404);
      expect(asUnknown(del.body, id)).toEqual(missing.body);
    }
    const admin = (await server.services.store.users.get(acme.teamId, adminId))!;
    expect(admin).toMatchObject({ status: 'active', managedBy: 'manual', externalId: null });
    expect((await call(server.url, 'POST', '/login', { json: { email: adminEmail, password: ADMIN_PASSWORD } })).status).toBe(200);
  });

  test('When a group write names a password account, then it is refused as an unknown member and nothing is written', async () => {
    const create = await call(server.url, 'POST', '/scim/v2/Groups', { token, json: { displayName: 'Sneaky', members: [{ value: scimIds[0] }, { value: adminId }] } });
    expect(create.status).toBe(400);
    expect(create.body.detail).toContain(`no user of this team has the id "${adminId}"`);
    expect((await call(server.url, 'GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Sneaky"')}`, { token })).body.totalResults).toBe(0);
    const group = await call(server.url, 'POST', '/scim/v2/Groups', { token, json: { displayName: 'Engineering', members: [{ value: scimIds[0] }] } });
    expect(group.status).toBe(201);
    const add = await call(server.url, 'PATCH', `/scim/v2/Groups/${group.body.id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: acme.ownerId }] }] } });
    expect(add.status).toBe(400);
    const members = await call(server.url, 'GET', `/scim/v2/Groups/${group.body.id}`, { token });
    expect(members.body.members.map((m: { value: string }) => m.value)).toEqual([scimIds[0]]);
    const byGroup = await list(`?filter=${encodeURIComponent(`groups.value eq "${group.body.id}"`)}`);
    expect(ids(byGroup.body)).toEqual([scimIds[0]]);
  });

  test("When another team's token asks for this team's users, then it sees none of them, password accounts or not", async () => {
    const globex = await createTeam(server, 'Globex');
    const globexToken = await createScimToken(server, globex);
    expect((await list('', globexToken)).body.totalResults).toBe(0);
    for (const id of [acme.ownerId, adminId, scimIds[0]!]) expect((await call(server.url, 'GET', `/scim/v2/Users/${id}`, { token: globexToken })).status).toBe(404);
    // Globex's own owner is outside its directory too.
    expect((await call(server.url, 'GET', `/scim/v2/Users/${globex.ownerId}`, { token: globexToken })).status).toBe(404);
  });

  test('When a directory sync deactivates everyone it does not know, then the team\'s password admins keep access', async () => {
    const team = await createTeam(server, 'Initech');
    const email = `it-admin-${team.teamId.slice(0, 6)}@initech.test`;
    await server.services.accounts.addAdmin({ teamId: team.teamId, email, role: 'admin', password: ADMIN_PASSWORD, actor: operatorActor });
    const sync = await createScimToken(server, team, 'Entra ID');
    // Group-managed roles on: the password admin sits in the admin role group.
    const settings = await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { group_managed_roles: true } });
    const adminsGroup = settings.body.role_groups.find((g: { role: string }) => g.role === 'admin').id;
    const known = await call(server.url, 'POST', '/scim/v2/Users', { token: sync, json: { schemas: [USER], userName: 'known', externalId: 'known@initech.test', displayName: 'Known' } });
    expect(known.status).toBe(201);
    // The attacker's (or a misconfigured) sync: everyone it finds but its one assigned person is deactivated, and role groups are emptied.
    let seen = 0;
    for (let start = 1; ; start += 2) {
      const page = await call(server.url, 'GET', `/scim/v2/Users?startIndex=${start}&count=2`, { token: sync });
      for (const user of page.body.Resources as Array<{ id: string; userName: string }>) {
        seen += 1;
        if (user.userName === 'known') continue;
        expect((await call(server.url, 'PATCH', `/scim/v2/Users/${user.id}`, { token: sync, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } })).status).toBe(200);
      }
      if (start + 2 > page.body.totalResults) break;
    }
    expect(seen).toBe(1);
    expect((await call(server.url, 'PUT', `/scim/v2/Groups/${adminsGroup}`, { token: sync, json: { displayName: 'Gatehouse Admins', members: [] } })).status).toBe(200);
    // The password admin still signs in, still is an admin, and still manages SCIM; so does the owner.
    const login = await call(server.url, 'POST', '/login', { json: { email, password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    expect((await call(server.url, 'GET', '/self', { token: login.body.access_token })).body).toMatchObject({ role: 'admin', status: 'active' });
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token })).status).toBe(200);
    expect((await call(server.url, 'GET', '/self', { token: team.accessToken })).body).toMatchObject({ role: 'owner', status: 'active' });
  });
});
