import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { ENTERPRISE, expectScimError, fixture, newUserBody, scimClient, WIRE_PROFILE, type ScimClient } from './users-client';

describe('SCIM /Users: create, read, replace, delete', () => {
  let server: TestServer;
  let acme: ScimClient;
  let globex: ScimClient;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await scimClient(server, 'Acme');
    globex = await scimClient(server, 'Globex');
  });
  afterAll(() => server.close());

  test('When Entra ID creates a user with its recorded body, then it answers 201 with Location, ETag and the full resource', async () => {
    const created = await acme.request('POST', '/Users', fixture('entra/create-user.json'));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/scim+json');
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`${server.url}/scim/v2/Users/${id}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toMatchObject({
      schemas: expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]),
      userName: 'test_user_ab6490ee',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      displayName: 'Test User',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'test_user_fd0ea19b@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENTERPRISE]: { department: 'Engineering', employeeNumber: '1234' },
      meta: { resourceType: 'User', location: `${server.url}/scim/v2/Users/${id}`, version: 'W/"1"', created: expect.any(String), lastModified: expect.any(String) },
    });

    const read = await acme.request('GET', `/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const stored = await server.services.store.users.get(acme.team.teamId, id);
    expect(stored).toMatchObject({ managedBy: 'scim', role: 'member', status: 'active', email: null, handle: 'test_user_ab6490ee' });
  });

  test('When Okta creates a user with groups and a password, then both are ignored and never echoed', async () => {
    const created = await acme.request('POST', '/Users', fixture('okta/create-user.json'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: 'test.user', locale: 'en-US', externalId: '00ujl29u0le5T6Aj10h7' });
    expect(created.text).not.toContain('1mz050nq');
    expect(created.body.password).toBeUndefined();
  });

  test('When the same API is called under /scim instead of /scim/v2, then it answers the same way', async () => {
    const created = await call(server.url, 'POST', '/scim/Users', { token: acme.token, json: newUserBody() });
    expect(created.status).toBe(201);
    expect((await call(server.url, 'GET', `/scim/Users/${created.body.id}`, { token: acme.token })).body.id).toBe(created.body.id);
  });

  test('When Okta replaces a user with PUT, then attributes it omits are cleared and the version moves on', async () => {
    const created = await acme.createUser({ title: 'Engineer', nickName: 'jd', emails: [{ value: 'jd@acme.test', type: 'work' }], [ENTERPRISE]: { department: 'R&D' } });
    const id = created.body.id;
    const body = { ...fixture('okta/put-user.json'), id, userName: created.body.userName, externalId: created.body.externalId };
    const replaced = await acme.request('PUT', `/Users/${id}`, body);
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('W/"2"');
    expect(replaced.body).toMatchObject({ id, displayName: 'Another User', name: { givenName: 'Another', familyName: 'User' }, active: true });
    expect(replaced.body.title).toBeUndefined();
    expect(replaced.body.nickName).toBeUndefined();
    expect(replaced.body[ENTERPRISE]).toBeUndefined();
    expect(replaced.body.meta.created).toBe(created.body.meta.created);
    expect((await acme.request('GET', `/Users/${id}`)).body).toEqual(replaced.body);
  });

  test('When a user is deleted, then it answers 204 and the user is gone (404, then 404 again)', async () => {
    const id = (await acme.createUser()).body.id;
    const deleted = await acme.request('DELETE', `/Users/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectScimError(await acme.request('GET', `/Users/${id}`), 404);
    expectScimError(await acme.request('DELETE', `/Users/${id}`), 404);
    expect(await server.services.store.users.get(acme.team.teamId, id)).toBeNull();
  });

  test('When a client sends If-Match with a stale ETag, then PUT, PATCH and DELETE answer 412 and change nothing', async () => {
    const created = await acme.createUser();
    const id = created.body.id;
    const stale = { 'if-match': 'W/"7"' };
    expectScimError(await acme.request('PUT', `/Users/${id}`, { ...newUserBody(), userName: created.body.userName, externalId: created.body.externalId }, stale), 412);
    expectScimError(await acme.patch(id, [{ op: 'replace', path: 'title', value: 'x' }], stale), 412);
    expectScimError(await acme.request('DELETE', `/Users/${id}`, undefined, stale), 412);
    expect((await acme.request('GET', `/Users/${id}`)).body).toEqual(created.body);

    const ok = await acme.patch(id, [{ op: 'replace', path: 'title', value: 'x' }], { 'if-match': created.headers.get('etag')! });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('W/"2"');
    expect((await acme.request('DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"2"' })).status).toBe(204);
  });

  test('When a client GETs with If-None-Match of the current ETag, then it answers 304 without a body; after a change, 200', async () => {
    const created = await acme.createUser();
    const id = created.body.id;
    const notModified = await acme.request('GET', `/Users/${id}`, undefined, { 'if-none-match': 'W/"1"' });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    await acme.patch(id, [{ op: 'add', path: 'title', value: 'Boss' }]);
    const changed = await acme.request('GET', `/Users/${id}`, undefined, { 'if-none-match': 'W/"1"' });
    expect(changed.status).toBe(200);
    expect(changed.body.title).toBe('Boss');
  });

  test('When a request has no token or a wrong one, then it answers 401 as a SCIM error with WWW-Authenticate: Bearer', async () => {
    const missing = await call(server.url, 'GET', '/scim/v2/Users');
    expectScimError(missing, 401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call(server.url, 'GET', '/scim/v2/Users', { token: 'gscim_not-a-real-token' });
    expectScimError(wrong, 401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    // An admin access token is not a SCIM token.
    expectScimError(await call(server.url, 'GET', '/scim/v2/Users', { token: acme.team.accessToken }), 401);
  });

  test("When team B's token asks for team A's user, then it sees 404 everywhere and never lists it", async () => {
    const created = await acme.createUser();
    const id = created.body.id;
    expectScimError(await globex.request('GET', `/Users/${id}`), 404);
    expectScimError(await globex.request('PUT', `/Users/${id}`, newUserBody()), 404);
    expectScimError(await globex.patch(id, [{ op: 'replace', path: 'active', value: false }]), 404);
    expectScimError(await globex.request('DELETE', `/Users/${id}`), 404);
    const list = await globex.request('GET', '/Users?count=1000');
    expect(list.body.Resources.map((u: { id: string }) => u.id)).not.toContain(id);
    const filtered = await globex.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${created.body.userName}"`)}`);
    expect(filtered.body).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await acme.request('GET', `/Users/${id}`)).body).toEqual(created.body);
  });

  test('When another team already uses a userName, then the create is 409 uniqueness naming the userName', async () => {
    const created = await acme.createUser();
    const clash = await globex.createUser({ userName: created.body.userName });
    expectScimError(clash, 409, 'uniqueness');
    expect(clash.body.detail).toContain(`userName "${created.body.userName}" is already taken`);
  });

  test('When externalId is reused within a team, then 409 uniqueness; in another team, then it is allowed', async () => {
    const created = await acme.createUser();
    const clash = await acme.createUser({ externalId: created.body.externalId });
    expectScimError(clash, 409, 'uniqueness');
    expect(clash.body.detail).toContain('externalId');
    expect((await globex.createUser({ externalId: created.body.externalId })).status).toBe(201);
  });

  test('When an IdP retries one create 20 times in parallel, then exactly one is 201 and the rest 409', async () => {
    const body = newUserBody();
    const replies = await Promise.all(Array.from({ length: 20 }, () => acme.request('POST', '/Users', body)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(19);
    for (const r of refused) expectScimError(r, 409, 'uniqueness');
  });

  test('When the body is not valid JSON, then it answers 400 invalidSyntax', async () => {
    const reply = await call(server.url, 'POST', '/scim/v2/Users', { token: acme.token, body: '{"userName": ', headers: { 'content-type': 'application/scim+json' } });
    expectScimError(reply, 400, 'invalidSyntax');
  });

  test('When the body is sent as text/plain or form data, then it answers 415', async () => {
    const text = await call(server.url, 'POST', '/scim/v2/Users', { token: acme.token, body: JSON.stringify(newUserBody()), headers: { 'content-type': 'text/plain' } });
    expectScimError(text, 415);
    const form = await call(server.url, 'POST', '/scim/v2/Users', { token: acme.token, body: 'userName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectScimError(form, 415);
  });

  test('When the body is plain application/json, then it is accepted like application/scim+json', async () => {
    const reply = await call(server.url, 'POST', '/scim/v2/Users', { token: acme.token, json: newUserBody() });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toContain('application/scim+json');
  });

  test('When schemas names an extension the IdP added, then it is accepted; an unknown attribute inside a schema we define is a 400 naming it', async () => {
    const added = await acme.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:example:custom:1.0'] });
    expect(added.status).toBe(201);
    const misspelt = await acme.createUser({ [ENTERPRISE]: { departmnet: 'R&D' } });
    expectScimError(misspelt, 400, 'invalidValue');
    expect(misspelt.body.detail).toContain(`${ENTERPRISE} has no attribute "departmnet"`);
    const notUrn = await acme.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'custom'] });
    expectScimError(notUrn, 400, 'invalidValue');
    expect(notUrn.body.detail).toContain('"custom"');
  });

  test('When displayName has 129 code points, then 400; when it is 128 emoji (256 UTF-16 units), then 201', async () => {
    const tooLong = await acme.createUser({ displayName: 'a'.repeat(129) });
    expectScimError(tooLong, 400, 'invalidValue');
    expect(tooLong.body.detail).toMatch(/displayName must be 1 to 128 characters/);
    const emoji = '😀'.repeat(128);
    const ok = await acme.createUser({ displayName: emoji });
    expect(ok.status).toBe(201);
    expect(ok.body.displayName).toBe(emoji);
  });

  test('When userName has capitals, then 400 invalidValue naming the rule; bad characters and length too', async () => {
    const capitals = await acme.createUser({ userName: 'Jane.Doe' });
    expectScimError(capitals, 400, 'invalidValue');
    expect(capitals.body.detail).toMatch(/userName must not contain capital letters/);
    const chars = await acme.createUser({ userName: 'jane doe' });
    expectScimError(chars, 400, 'invalidValue');
    expect(chars.body.detail).toMatch(/may only contain a-z, 0-9/);
    const short = await acme.createUser({ userName: 'j' });
    expectScimError(short, 400, 'invalidValue');
    expect(short.body.detail).toMatch(/2 to 256 characters/);
  });

  test('When required attributes are missing, then 400 invalidValue names the attribute', async () => {
    const body = newUserBody();
    delete body.externalId;
    const reply = await acme.request('POST', '/Users', body);
    expectScimError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toMatch(/externalId is required/);
  });

  test('When richInfo is over the configured limit, then 400 invalidValue; at the limit, then 201 and it round-trips', async () => {
    const atLimit = [{ type: 'Department', value: 'x'.repeat(5000 - 'Department'.length) }];
    const ok = await acme.createUser({ [WIRE_PROFILE]: { richInfo: atLimit } });
    expect(ok.status).toBe(201);
    expect(ok.body[WIRE_PROFILE]).toEqual({ richInfo: atLimit });
    const over = await acme.createUser({ [WIRE_PROFILE]: { richInfo: [{ type: 'Department', value: 'x'.repeat(5000) }] } });
    expectScimError(over, 400, 'invalidValue');
    expect(over.body.detail).toMatch(/richInfo is 5010 characters .* the limit is 5000/);
  });

  test('When attribute names arrive in odd case and with unknown or read-only attributes, then they are canonicalised and the extras dropped', async () => {
    const reply = await acme.request('POST', '/Users', { ...newUserBody(), USERNAME: undefined, DisplayName: 'Mixed Case', TITLE: 'CTO', favouriteColour: 'blue', id: 'chosen-id', meta: { created: '2000-01-01T00:00:00Z' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ displayName: 'Mixed Case', title: 'CTO' });
    expect(reply.body.favouriteColour).toBeUndefined();
    expect(reply.body.id).not.toBe('chosen-id');
    expect(reply.body.meta.created).not.toBe('2000-01-01T00:00:00Z');
  });

  test('When a SCIM path does not exist, then it answers 404 in the SCIM error format', async () => {
    expectScimError(await acme.request('GET', '/Widgets'), 404);
    expectScimError(await acme.request('POST', '/Users/some-id'), 404);
  });

  test('When an IdP creates, replaces, patches, suspends, reinstates and deletes a user, then each write is in the audit log with the token as actor', async () => {
    const id = (await acme.createUser()).body.id;
    const current = (await acme.request('GET', `/Users/${id}`)).body;
    await acme.request('PUT', `/Users/${id}`, { ...current, title: 'Lead' });
    await acme.request('PATCH', `/Users/${id}`, fixture('okta/deactivate-user.json'));
    await acme.request('PATCH', `/Users/${id}`, fixture('okta/reactivate-user.json'));
    await acme.request('DELETE', `/Users/${id}`);
    const entries = await server.services.store.audit.list({ teamId: acme.team.teamId, limit: 500 });
    const mine = entries.filter((e) => e.targetId === id).reverse();
    expect(mine.map((e) => e.action)).toEqual(['user.created', 'user.replaced', 'user.patched', 'user.suspended', 'user.patched', 'user.reinstated', 'user.deleted']);
    const tokenInfo = (await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.team.accessToken })).body.tokens[0];
    for (const e of mine) expect(e.actor).toEqual({ type: 'scim-token', id: tokenInfo.id, name: tokenInfo.name });
  });

  test("When an admin reads the provisioning log API, then they see their own team's SCIM requests, errors filterable", async () => {
    await acme.createUser({ userName: 'Another Bad Name' });
    await globex.createUser();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const all = await call(server.url, 'GET', '/scim/provisioning-log?limit=50', { token: acme.team.accessToken });
    expect(all.status).toBe(200);
    expect(all.body.entries.length).toBeGreaterThan(1);
    expect(all.body.entries[0]).toEqual({ at: expect.any(String), token: expect.any(String), token_name: 'Acme IdP', method: expect.any(String), path: expect.any(String), status: expect.any(Number), scim_type: expect.anything(), detail: expect.anything(), duration_ms: expect.any(Number) });
    const errors = await call(server.url, 'GET', '/scim/provisioning-log?errors=true', { token: acme.team.accessToken });
    expect(errors.body.entries.length).toBeGreaterThan(0);
    expect(errors.body.entries.every((e: { status: number }) => e.status >= 400)).toBe(true);
    const globexTokenIds = (await call(server.url, 'GET', '/scim/auth-tokens', { token: globex.team.accessToken })).body.tokens.map((t: { id: string }) => t.id);
    expect(all.body.entries.some((e: { token: string }) => globexTokenIds.includes(e.token))).toBe(false);
    expect((await call(server.url, 'GET', '/scim/provisioning-log', { token: acme.token })).status).toBe(401);
    expect((await call(server.url, 'GET', '/scim/provisioning-log?limit=0', { token: acme.team.accessToken })).status).toBe(400);
  });

  test('When a SCIM request fails, then the provisioning log records its status, scimType and detail', async () => {
    await acme.createUser({ userName: 'Bad Name' });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the log is written after the response
    const log = await server.services.store.provisioningLog.list(acme.team.teamId, 20);
    expect(log.find((e) => e.status === 400 && e.method === 'POST')).toMatchObject({ path: '/scim/v2/Users', scimType: 'invalidValue', detail: expect.stringMatching(/userName must not contain capital letters/) });
  });
});
