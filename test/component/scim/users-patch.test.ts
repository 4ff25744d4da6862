import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { ENTERPRISE, expectScimError, fixture, scimClient, type ScimClient } from './users-client';

describe('SCIM PATCH /Users/{id} as Entra ID and Okta send it', () => {
  let server: TestServer;
  let acme: ScimClient;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await scimClient(server, 'Acme');
  });
  afterAll(() => server.close());

  const entraUser = async () => {
    const body = { ...fixture('entra/create-user.json'), userName: `u${Math.random().toString(36).slice(2, 10)}`, externalId: `${Math.random()}` };
    const created = await acme.request('POST', '/Users', body);
    expect(created.status).toBe(201);
    return created.body;
  };
  const get = async (id: string) => (await acme.request('GET', `/Users/${id}`)).body;

  test('When Entra ID replaces attributes with path-less dotted and URN keys and "True", then each lands on its attribute', async () => {
    const user = await entraUser();
    const reply = await acme.request('PATCH', `/Users/${user.id}`, fixture('entra/patch-user-legacy-pathless-dotted-keys.json'));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('W/"2"');
    expect(reply.body).toMatchObject({
      displayName: 'Updated Display',
      name: { givenName: 'Updated', familyName: 'Person', formatted: 'givenName familyName' },
      active: true,
      [ENTERPRISE]: { employeeNumber: '7890', department: 'Sales' },
      meta: { version: 'W/"2"' },
    });
    expect(await get(user.id)).toEqual(reply.body);
  });

  test('When Entra ID replaces userName and a work email through a value filter, then the user is renamed and only the work email changes', async () => {
    const user = await entraUser();
    const rename = fixture('entra/patch-user-single-valued.json');
    rename.Operations[0].value = `${user.userName}.renamed`;
    expect((await acme.request('PATCH', `/Users/${user.id}`, rename)).body.userName).toBe(`${user.userName}.renamed`);
    const reply = await acme.request('PATCH', `/Users/${user.id}`, fixture('entra/patch-user-multi-valued.json'));
    expect(reply.status).toBe(200);
    expect(reply.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedemail@microsoft.com' }]);
    expect(reply.body.name.familyName).toBe('updatedFamilyName');
    const found = await acme.request('GET', `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "updatedemail@microsoft.com"')}`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  test('When Entra ID adds phone numbers, addresses, roles and a manager by id through value filters, then they are created', async () => {
    const user = await entraUser();
    const reply = await acme.request('PATCH', `/Users/${user.id}`, fixture('entra/add-attributes-with-value-filters.json'));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      title: 'Engineer',
      phoneNumbers: expect.arrayContaining([{ type: 'work', value: '+1 425 555 0100' }, { type: 'mobile', value: '+1 425 555 0199' }]),
      addresses: [{ type: 'work', formatted: '1 Microsoft Way, Redmond', locality: 'Redmond' }],
      roles: [{ primary: true, value: 'Admin', type: 'WindowsAzureActiveDirectoryRole' }],
      [ENTERPRISE]: { manager: { value: '2819c223-7f76-453a-919d-413861904646' } },
    });
    const removed = await acme.request('PATCH', `/Users/${user.id}`, fixture('entra/remove-manager.json'));
    expect(removed.status).toBe(200);
    expect(removed.body[ENTERPRISE].manager).toBeUndefined();
    expect(removed.body[ENTERPRISE].department).toBe('Engineering');
  });

  test('When Entra ID disables a user with the string "False", then the user is suspended and their sessions stop working', async () => {
    const user = await entraUser();
    const stored = (await server.services.store.users.get(acme.team.teamId, user.id))!;
    const session = await server.services.accounts.issueToken(stored, 'access');
    expect((await call(server.url, 'GET', '/self', { token: session.secret })).status).toBe(200);

    const reply = await acme.request('PATCH', `/Users/${user.id}`, fixture('entra/disable-user-legacy-string-boolean.json'));
    expect(reply.status).toBe(200);
    expect(reply.body.active).toBe(false);
    expect((await server.services.store.users.get(acme.team.teamId, user.id))!.status).toBe('suspended');
    expect((await call(server.url, 'GET', '/self', { token: session.secret })).status).toBe(401);

    const back = await acme.request('PATCH', `/Users/${user.id}`, fixture('okta/reactivate-user.json'));
    expect(back.body.active).toBe(true);
    expect((await server.services.store.users.get(acme.team.teamId, user.id))!.status).toBe('active');
  });

  test("When Okta deactivates a user with a path-less {active:false}, then it is suspended; Entra's boolean false works too", async () => {
    const okta = await entraUser();
    expect((await acme.request('PATCH', `/Users/${okta.id}`, fixture('okta/deactivate-user.json'))).body.active).toBe(false);
    const entra = await entraUser();
    expect((await acme.request('PATCH', `/Users/${entra.id}`, fixture('entra/disable-user.json'))).body.active).toBe(false);
    const listed = await acme.request('GET', `/Users?filter=${encodeURIComponent(`active eq false and (id eq "${okta.id}" or id eq "${entra.id}")`)}`);
    expect(listed.body.totalResults).toBe(2);
  });

  test('When a user is created with active:false, then it is stored suspended', async () => {
    const created = await acme.createUser({ active: false });
    expect(created.body.active).toBe(false);
    expect((await server.services.store.users.get(acme.team.teamId, created.body.id))!.status).toBe('suspended');
  });

  test('When a remove has a value filter that matches nothing, then it answers 200 and the user is unchanged', async () => {
    const user = await entraUser();
    const reply = await acme.patch(user.id, [{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(reply.status).toBe(200);
    expect(reply.body.emails).toEqual(user.emails);
  });

  test('When a client removes a required attribute, then 400 and nothing changes', async () => {
    const user = await entraUser();
    for (const path of ['userName', 'displayName', 'externalId']) {
      const reply = await acme.patch(user.id, [{ op: 'remove', path }]);
      expectScimError(reply, 400);
      expect(['mutability', 'invalidValue']).toContain(reply.body.scimType);
      expect(reply.body.detail).toContain(path);
    }
    expect(await get(user.id)).toEqual(user);
  });

  test('When the second operation of a PATCH fails, then the first is not applied either (GET before equals GET after)', async () => {
    const user = await entraUser();
    const before = await get(user.id);
    const reply = await acme.patch(user.id, [
      { op: 'replace', path: 'displayName', value: 'Should Not Stick' },
      { op: 'replace', path: 'favouriteColour', value: 'blue' },
    ]);
    expectScimError(reply, 400, 'invalidPath');
    expect(reply.body.detail).toMatch(/Operation 2/);
    expect(await get(user.id)).toEqual(before);

    const capitals = await acme.patch(user.id, [
      { op: 'replace', path: 'title', value: 'CEO' },
      { op: 'replace', path: 'userName', value: 'Capital.Letters' },
    ]);
    expectScimError(capitals, 400, 'invalidValue');
    expect(capitals.body.detail).toMatch(/userName must not contain capital letters/);
    expect(await get(user.id)).toEqual(before);
  });

  test('When a PATCH renames to a userName another user has, then 409 uniqueness and nothing changes', async () => {
    const first = await entraUser();
    const second = await entraUser();
    const reply = await acme.patch(second.id, [{ op: 'replace', path: 'userName', value: first.userName }]);
    expectScimError(reply, 409, 'uniqueness');
    expect(await get(second.id)).toEqual(second);
  });

  test('When a PATCH body is not a PatchOp, then 400 with a detail a person can act on', async () => {
    const user = await entraUser();
    const reply = await acme.request('PATCH', `/Users/${user.id}`, { op: 'replace', path: 'title', value: 'x' });
    expectScimError(reply, 400);
    expect(reply.body.detail).toMatch(/Operations/);
  });

  test('When many PATCHes of one user race without If-Match, then every one is applied and the version counts them', async () => {
    const user = await entraUser();
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => acme.patch(user.id, [{ op: 'add', path: 'phoneNumbers', value: [{ type: `t${i}`, value: `+${i}` }] }])));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    const after = await get(user.id);
    expect(after.phoneNumbers).toHaveLength(10);
    expect(after.meta.version).toBe('W/"11"');
  });
});
