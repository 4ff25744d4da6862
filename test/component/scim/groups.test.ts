/**
 * SCIM /Groups through the real server over HTTP: the request shapes Entra ID and Okta send,
 * atomic member checks, team isolation and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { User } from '../../../src/store/port';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUser } from '../../support/store-fixtures';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM /Groups', () => {
  let server: TestServer;
  let acme: TestTeam;
  let globex: TestTeam;
  let acmeToken: string;
  let globexToken: string;
  let people: User[];
  let outsider: User;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    globex = await createTeam(server, 'Globex');
    acmeToken = await createScimToken(server, acme, 'Entra ID');
    globexToken = await createScimToken(server, globex, 'Okta');
    people = [];
    for (let i = 0; i < 6; i++) people.push(await server.services.store.users.create(newUser(acme.teamId, { displayName: `Person ${i}` })));
    outsider = await server.services.store.users.create(newUser(globex.teamId, { displayName: 'Globex person' }));
  });
  afterAll(() => server.close());

  const scim = (method: string, path: string, json?: unknown, token = acmeToken, headers: Record<string, string> = {}) =>
    call(server.url, method, `/scim/v2${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { 'content-type': 'application/scim+json', ...headers } });
  const patch = (id: string, operations: unknown[], query = '', token = acmeToken) => scim('PATCH', `/Groups/${id}${query}`, { schemas: [PATCH_OP], Operations: operations }, token);
  const ref = (u: User) => ({ value: u.id });
  const memberIds = async (id: string) => ((await scim('GET', `/Groups/${id}`)).body.members ?? []).map((m: { value: string }) => m.value).sort();
  const ids = (...users: User[]) => users.map((u) => u.id).sort();
  async function newGroup(displayName: string, members: User[] = []): Promise<string> {
    const r = await scim('POST', '/Groups', { schemas: [GROUP], displayName, members: members.map(ref) });
    expect(r.status).toBe(201);
    return r.body.id;
  }
  const expectScimError = (r: Reply, status: number, scimType?: string) => {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/application\/scim\+json/);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
    expect(r.body.detail).toEqual(expect.any(String));
  };

  describe('create and read', () => {
    test('When Entra ID creates a group with members, then 201 returns it with display, type, $ref, meta and an ETag', async () => {
      const r = await scim('POST', '/Groups', {
        schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        displayName: 'Engineering',
        externalId: 'aad-eng',
        members: [ref(people[0]!), { value: people[1]!.id, type: 'User' }],
      });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toMatch(/application\/scim\+json/);
      const id = r.body.id;
      expect(r.headers.get('location')).toBe(`${server.url}/scim/v2/Groups/${id}`);
      // Version 1, refined by a digest of the members shown (their names change without the group's version).
      const etag = r.headers.get('etag');
      expect(etag).toMatch(/^W\/"1\.[\w-]+"$/);
      expect(r.body).toEqual({
        schemas: [GROUP],
        id,
        externalId: 'aad-eng',
        displayName: 'Engineering',
        members: [
          { value: people[0]!.id, display: 'Person 0', type: 'User', $ref: `${server.url}/scim/v2/Users/${people[0]!.id}` },
          { value: people[1]!.id, display: 'Person 1', type: 'User', $ref: `${server.url}/scim/v2/Users/${people[1]!.id}` },
        ].map((m) => expect.objectContaining(m)),
        meta: { resourceType: 'Group', created: expect.any(String), lastModified: expect.any(String), location: `${server.url}/scim/v2/Groups/${id}`, version: etag },
      });
      const read = await call(server.url, 'GET', `/scim/Groups/${id}`, { token: acmeToken });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(r.body);
    });

    test('When a displayName is taken in another case, then 409 uniqueness', async () => {
      await newGroup('Finance');
      expectScimError(await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'FINANCE' }), 409, 'uniqueness');
    });

    test('When displayName is missing, then 400 invalidValue saying it is required', async () => {
      const r = await scim('POST', '/Groups', { schemas: [GROUP] });
      expectScimError(r, 400, 'invalidValue');
      expect(r.body.detail).toMatch(/displayName is required/);
    });

    test('When a POST names members that are not users of the team, then 400 invalidValue names them and no group exists', async () => {
      const ghost = randomUUID();
      const r = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Ghosts', members: [ref(people[0]!), { value: ghost }, ref(outsider)] });
      expectScimError(r, 400, 'invalidValue');
      expect(r.body.detail).toContain(ghost);
      expect(r.body.detail).toContain(outsider.id);
      expect((await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Ghosts"')}`)).body.totalResults).toBe(0);
    });

    test('When no token or a wrong token is sent, then 401 in the SCIM error shape', async () => {
      expectScimError(await call(server.url, 'GET', '/scim/v2/Groups'), 401);
      expectScimError(await scim('GET', '/Groups', undefined, 'gscim_nope'), 401);
    });
  });

  describe('PATCH shapes real clients send', () => {
    let id: string;
    beforeEach(async () => {
      id = await newGroup(`Patch ${randomUUID().slice(0, 8)}`, [people[0]!, people[1]!]);
    });

    test('When Entra ID adds members with a value list (one already a member), then 204 and the existing one is a no-op', async () => {
      const r = await patch(id, [{ op: 'Add', path: 'members', value: [ref(people[1]!), ref(people[2]!), ref(people[3]!)] }]);
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      expect(r.headers.get('etag')).toBe('W/"2"');
      expect(await memberIds(id)).toEqual(ids(people[0]!, people[1]!, people[2]!, people[3]!));
    });

    test('When Entra ID removes a member with members[value eq "…"], then only that member leaves', async () => {
      expect((await patch(id, [{ op: 'Remove', path: `members[value eq "${people[0]!.id}"]` }])).status).toBe(204);
      expect(await memberIds(id)).toEqual(ids(people[1]!));
    });

    test('When Okta (or Entra ID) removes members with a value array, then only those leave, never the whole list', async () => {
      await patch(id, [{ op: 'add', path: 'members', value: [ref(people[2]!)] }]);
      expect((await patch(id, [{ op: 'remove', path: 'members', value: [ref(people[0]!), ref(people[2]!)] }])).status).toBe(204);
      expect(await memberIds(id)).toEqual(ids(people[1]!));
    });

    test('When a client removes members without a value, then every member leaves', async () => {
      expect((await patch(id, [{ op: 'remove', path: 'members' }])).status).toBe(204);
      expect(await memberIds(id)).toEqual([]);
    });

    test('When a client replaces members, then the list is exactly the new one', async () => {
      expect((await patch(id, [{ op: 'replace', path: 'members', value: [ref(people[1]!), ref(people[4]!)] }])).status).toBe(204);
      expect(await memberIds(id)).toEqual(ids(people[1]!, people[4]!));
    });

    test('When Okta renames with a path-less replace repeating the id, and Entra ID with path displayName, then both rename', async () => {
      expect((await patch(id, [{ op: 'replace', value: { id, displayName: 'Renamed by Okta' } }])).status).toBe(204);
      expect((await scim('GET', `/Groups/${id}`)).body.displayName).toBe('Renamed by Okta');
      expect((await patch(id, [{ op: 'Replace', path: 'displayName', value: 'Renamed by Entra' }])).status).toBe(204);
      const read = await scim('GET', `/Groups/${id}`);
      expect(read.body.displayName).toBe('Renamed by Entra');
      expect(read.body.members).toHaveLength(2);
    });

    test('When Okta group push mixes remove and add in one request, then both apply in order', async () => {
      const r = await patch(id, [
        { op: 'remove', path: 'members', value: [ref(people[0]!)] },
        { op: 'add', path: 'members', value: [ref(people[3]!), ref(people[4]!)] },
        { op: 'remove', path: `members[value eq "${people[4]!.id}"]` },
      ]);
      expect(r.status).toBe(204);
      expect(await memberIds(id)).toEqual(ids(people[1]!, people[3]!));
    });

    test('When the client asks for attributes, then PATCH answers 200 with the projected resource', async () => {
      const r = await patch(id, [{ op: 'add', path: 'members', value: [ref(people[5]!)] }], '?excludedAttributes=members');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, schemas: [GROUP], meta: { version: 'W/"2"' } });
      expect(r.body.members).toBeUndefined();
      const withMembers = await patch(id, [{ op: 'remove', path: `members[value eq "${people[5]!.id}"]` }], '?attributes=members');
      expect(withMembers.status).toBe(200);
      expect(withMembers.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids(people[0]!, people[1]!));
      expect(withMembers.body.displayName).toBeUndefined();
    });

    test('When a PATCH adds an unknown id among valid ones and renames, then 400 names it and the group is unchanged', async () => {
      const before = await scim('GET', `/Groups/${id}`);
      const ghost = randomUUID();
      const r = await patch(id, [
        { op: 'replace', path: 'displayName', value: 'Should not stick' },
        { op: 'add', path: 'members', value: [ref(people[2]!), { value: ghost }] },
        { op: 'remove', path: `members[value eq "${people[0]!.id}"]` },
      ]);
      expectScimError(r, 400, 'invalidValue');
      expect(r.body.detail).toContain(ghost);
      expect(r.body.detail).not.toContain(people[2]!.id);
      expect(await scim('GET', `/Groups/${id}`)).toMatchObject({ status: 200, body: before.body });
    });

    test('When a PATCH is malformed, then 400 says which operation failed', async () => {
      const r = await patch(id, [{ op: 'add', path: 'members', value: [ref(people[2]!)] }, { op: 'remove', path: 'members[display eq "x"]' }]);
      expectScimError(r, 400);
      expect(r.body.detail).toMatch(/^Operation 2/);
      expect(await memberIds(id)).toEqual(ids(people[0]!, people[1]!));
    });

    test('When If-Match names an old version, then 412 and nothing changes', async () => {
      await patch(id, [{ op: 'add', path: 'members', value: [ref(people[2]!)] }]);
      const stale = await scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }, acmeToken, { 'if-match': 'W/"1"' });
      expectScimError(stale, 412);
      const fresh = await scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }, acmeToken, { 'if-match': 'W/"2"' });
      expect(fresh.status).toBe(204);
    });
  });

  describe('list, PUT, DELETE', () => {
    test('When listing with filters, paging, sorting and excludedAttributes=members, then the ListResponse follows', async () => {
      const a = await newGroup('List Alpha', [people[0]!]);
      const b = await newGroup('List Beta', [people[0]!, people[1]!]);
      const list = (query: string) => scim('GET', `/Groups?${query}`);
      const byMember = await list(`filter=${encodeURIComponent(`members[value eq "${people[1]!.id}"] and displayName sw "List"`)}`);
      expect(byMember.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(byMember.body.Resources[0].id).toBe(b);
      const byName = await list(`filter=${encodeURIComponent('displayName eq "list alpha"')}&excludedAttributes=members`);
      expect(byName.body.Resources).toEqual([expect.objectContaining({ id: a, displayName: 'List Alpha' })]);
      expect(byName.body.Resources[0].members).toBeUndefined();
      const sorted = await list(`filter=${encodeURIComponent('displayName sw "List"')}&sortBy=displayName&sortOrder=descending&startIndex=1&count=1`);
      expect(sorted.body).toMatchObject({ totalResults: 2, itemsPerPage: 1, Resources: [{ id: b }] });
      expectScimError(await list(`filter=${encodeURIComponent('members.display eq "x"')}`), 400, 'invalidFilter');
      expectScimError(await list('sortBy=members'), 400, 'invalidValue');
      expectScimError(await list('sortOrder=sideways'), 400, 'invalidValue');
      expect((await list('count=0')).body).toMatchObject({ itemsPerPage: 0, Resources: [] });
      const one = await scim('GET', `/Groups/${b}?excludedAttributes=members`);
      expect(one.body).toMatchObject({ id: b, displayName: 'List Beta' });
      expect(one.body.members).toBeUndefined();
      const onlyMembers = await scim('GET', `/Groups/${b}?attributes=members.value`);
      expect(onlyMembers.body).toEqual({ schemas: [GROUP], id: b, members: [{ value: people[0]!.id }, { value: people[1]!.id }] });
      expectScimError(await list(`filter=${encodeURIComponent('displayName eq')}`), 400, 'invalidFilter');
    });

    test('When a group is PUT, then attributes and members are replaced; an omitted externalId is cleared', async () => {
      const id = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Put Me', externalId: 'x', members: [ref(people[0]!)] })).body.id;
      const r = await scim('PUT', `/Groups/${id}`, { schemas: [GROUP], displayName: 'Put Done', members: [ref(people[2]!), ref(people[3]!)] });
      expect(r.status).toBe(200);
      expect(r.body.displayName).toBe('Put Done');
      expect(r.body.externalId).toBeUndefined();
      expect(r.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids(people[2]!, people[3]!));
      expect(r.body.meta.version).toMatch(/^W\/"2\./);
      expect(r.headers.get('etag')).toBe(r.body.meta.version);
    });

    test('When a group is deleted, then 204, then 404 for it', async () => {
      const id = await newGroup('Delete Me', [people[0]!]);
      expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
      expectScimError(await scim('GET', `/Groups/${id}`), 404);
      expectScimError(await scim('DELETE', `/Groups/${id}`), 404);
    });

    test('When a user is deleted, then it is no longer a member of any group', async () => {
      const leaving = await server.services.store.users.create(newUser(acme.teamId, { displayName: 'Leaving' }));
      const id = await newGroup('Left Behind', [leaving, people[0]!]);
      expect(await server.services.groupsOfUser(acme.teamId, leaving.id)).toEqual([{ id, displayName: 'Left Behind' }]);
      await server.services.store.users.delete(acme.teamId, leaving.id);
      expect(await memberIds(id)).toEqual(ids(people[0]!));
    });
  });

  describe('through /Users', () => {
    test('When a user is read through /Users/{id}, then its read-only groups list the groups it is in', async () => {
      const id = await newGroup('Visible On User', [people[3]!]);
      const r = await scim('GET', `/Users/${people[3]!.id}`);
      expect(r.status).toBe(200);
      expect(r.body.groups).toEqual(expect.arrayContaining([{ value: id, display: 'Visible On User', $ref: `${server.url}/scim/v2/Groups/${id}`, type: 'direct' }]));
    });

    test('When a user is deleted through DELETE /Users/{id}, then it leaves every group', async () => {
      const leaving = await server.services.store.users.create(newUser(acme.teamId, { displayName: 'Deleted Via Scim' }));
      const id = await newGroup('Deleted Member Group', [leaving, people[0]!]);
      expect((await scim('DELETE', `/Users/${leaving.id}`)).status).toBe(204);
      expect(await memberIds(id)).toEqual(ids(people[0]!));
    });
  });

  describe('team isolation', () => {
    test("When Globex's token adds Acme's user, then 400 invalidValue and nothing is written", async () => {
      const create = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Poach', members: [ref(people[0]!)] }, globexToken);
      expectScimError(create, 400, 'invalidValue');
      expect(create.body.detail).toContain(people[0]!.id);
      const own = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Globex Own', members: [ref(outsider)] }, globexToken)).body.id;
      expectScimError(await patch(own, [{ op: 'add', path: 'members', value: [ref(people[1]!)] }], '', globexToken), 400, 'invalidValue');
      expect((await scim('GET', `/Groups/${own}`, undefined, globexToken)).body.members.map((m: { value: string }) => m.value)).toEqual([outsider.id]);
    });

    test("When Globex's token reaches for Acme's group, then it is not found and the group stays intact", async () => {
      const acmeGroup = await newGroup('Acme Private', [people[0]!]);
      expectScimError(await scim('GET', `/Groups/${acmeGroup}`, undefined, globexToken), 404);
      expectScimError(await patch(acmeGroup, [{ op: 'remove', path: 'members' }], '', globexToken), 404);
      expectScimError(await scim('DELETE', `/Groups/${acmeGroup}`, undefined, globexToken), 404);
      const listed = await scim('GET', `/Groups?filter=${encodeURIComponent(`id eq "${acmeGroup}"`)}`, undefined, globexToken);
      expect(listed.body.totalResults).toBe(0);
      expect(await memberIds(acmeGroup)).toEqual(ids(people[0]!));
    });
  });

  test('When groups change, then the audit log names the SCIM token as actor with the membership counts', async () => {
    const id = await newGroup('Audited', [people[0]!]);
    await patch(id, [{ op: 'add', path: 'members', value: [ref(people[1]!), ref(people[2]!)] }, { op: 'remove', path: `members[value eq "${people[0]!.id}"]` }]);
    const entries = await server.services.store.audit.list({ teamId: acme.teamId, action: 'group.members.changed', limit: 100 });
    const mine = entries.filter((e) => e.targetId === id);
    expect(mine[0]).toMatchObject({ actor: { type: 'scim-token', name: 'Entra ID' }, details: { added: 2, removed: 1 } });
    expect((mine[0]!.details.addedIds as string[]).sort()).toEqual(ids(people[1]!, people[2]!));
    const created = await server.services.store.audit.list({ teamId: acme.teamId, action: 'group.created', limit: 100 });
    expect(created.some((e) => e.targetId === id && e.actor.type === 'scim-token')).toBe(true);
  });
});
