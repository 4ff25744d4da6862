import { createScimToken, createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';
import { GROUPS_MOUNTED, USERS_MOUNTED, describeIf } from '../support/security-features';

// Real servers and many requests: give noisy two-core CI machines room (idle, each test takes a few seconds).
jest.setTimeout(120_000);

/**
 * Races an attacker (or a buggy client) can start on purpose: many parallel requests that each
 * pass a check ("fewer than 8 tokens", "userName is free") before any of them writes.
 */
describe('concurrency: token limit', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When an admin fires 20 token creations at once, then exactly 8 succeed, 12 get token-limit-reached and the team holds 8 tokens', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: `race ${i}`, password: acme.password } })),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(replies.filter((r) => r.status === 403).map((r) => r.body.label)).toEqual(Array(12).fill('token-limit-reached'));
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(8);
    const listed = await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken });
    expect(listed.body.tokens).toHaveLength(8);
    // Every returned secret works, and the secrets are distinct.
    const secrets = replies.filter((r) => r.status === 200).map((r) => r.body.token as string);
    expect(new Set(secrets).size).toBe(8);
  });
});

describeIf(USERS_MOUNTED)('concurrency: SCIM users', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme);
  });
  afterAll(() => server.close());

  test('When 50 creates of one userName race, then exactly one is 201, 49 are 409 uniqueness errors, and one user exists', async () => {
    const body = (i: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'race.winner', externalId: `race-${i}@acme.test`, displayName: `Racer ${i}` });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => call(server.url, 'POST', '/scim/v2/Users', { token, json: body(i), headers: { 'content-type': 'application/scim+json' } })));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ status: '409', scimType: 'uniqueness', detail: expect.any(String) });
    const list = await call(server.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "race.winner"')}`, { token });
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0].id).toBe(replies.find((r) => r.status === 201)!.body.id);
  });

  test('When 30 PATCHes without If-Match rename one user at once, then all succeed or conflict cleanly, and the final name is one of those sent', async () => {
    const created = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'patch.race', externalId: 'patch.race@acme.test', displayName: 'Before' } });
    if (created.status !== 201) throw new Error(created.text);
    expect(created.status).toBe(201);
    const names = Array.from({ length: 30 }, (_, i) => `After ${i}`);
    const replies = await Promise.all(
      names.map((value) => call(server.url, 'PATCH', `/scim/v2/Users/${created.body.id}`, { token, json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value }] } })),
    );
    expect(replies.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of replies) expect([200, 204, 409, 412]).toContain(r.status);
    const final = await call(server.url, 'GET', `/scim/v2/Users/${created.body.id}`, { token });
    expect(names).toContain(final.body.displayName);
    // The last acknowledged write is what is stored: its version is the highest handed out.
    const versions = replies.filter((r) => r.status === 200).map((r) => r.body.meta.version as string);
    expect(versions).toContain(final.body.meta.version);
  });
});

describeIf(USERS_MOUNTED && GROUPS_MOUNTED)('concurrency: SCIM group membership', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await createScimToken(server, await createTeam(server, 'Acme'));
  });
  afterAll(() => server.close());

  const scim = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) => call(server.url, method, `/scim/v2${path}`, { token, json, headers: { 'content-type': 'application/scim+json', ...headers } });

  test('When 20 PATCHes without If-Match each add a different member to one group at once, then every one succeeds and no member is lost', async () => {
    const users: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `member.${i}`, externalId: `member.${i}@acme.test`, displayName: `Member ${i}` });
      if (r.status !== 201) throw new Error(r.text);
      users.push(r.body.id);
    }
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Racers' });
    expect(group.status).toBe(201);
    const replies = await Promise.all(
      users.map((value) => scim('PATCH', `/Groups/${group.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] })),
    );
    expect(replies.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([]);
    const final = await scim('GET', `/Groups/${group.body.id}`);
    expect(final.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...users].sort());
  });

  test('When parallel PATCHes carry the same stale If-Match, then at most one wins and the others get 412 with nothing applied', async () => {
    const users: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `etag.${i}`, externalId: `etag.${i}@acme.test`, displayName: `Etag ${i}` });
      if (r.status !== 201) throw new Error(r.text);
      users.push(r.body.id);
    }
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Etags' });
    const etag = group.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const replies = await Promise.all(
      users.map((value) => scim('PATCH', `/Groups/${group.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] }, { 'if-match': etag })),
    );
    const won = replies.filter((r) => r.status === 200 || r.status === 204);
    expect(won.length).toBeLessThanOrEqual(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(users.length - won.length);
    const final = await scim('GET', `/Groups/${group.body.id}`);
    expect((final.body.members ?? []).length).toBe(won.length);
  });
});
