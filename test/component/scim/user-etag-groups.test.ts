/**
 * A user's ETag follows its whole representation, `groups` included: a client that caches users by
 * ETag (If-None-Match → 304) sees every membership change, through the real server and store.
 */
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUser } from '../../support/store-fixtures';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('User ETag vs group membership', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme, 'Entra ID');
  });
  afterAll(() => server.close());

  const scim = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
    call(server.url, method, `/scim/v2${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { 'content-type': 'application/scim+json', ...headers } });

  /** GET with the ETag the client holds: 304 while nothing changed, else 200 with the new ETag and groups. */
  async function revalidate(id: string, etag: string) {
    const r = await scim('GET', `/Users/${id}`, undefined, { 'if-none-match': etag });
    return { status: r.status, etag: r.headers.get('etag') as string, groups: ((r.body?.groups ?? []) as Array<{ value: string; display: string }>).map((g) => g.display) };
  }

  test('When the user is added to a group, removed from it, the group is renamed and then deleted, then each GET with the old ETag answers 200 with the new groups', async () => {
    const user = await scim('POST', '/Users', { userName: 'etag.jane', externalId: 'etag.jane@acme.test', displayName: 'Jane' });
    expect(user.status).toBe(201);
    const id = user.body.id as string;
    let etag = user.headers.get('etag') as string;
    expect(await revalidate(id, etag)).toMatchObject({ status: 304 });

    const group = await scim('POST', '/Groups', { displayName: 'Sales' });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    // Creating an empty group changes no user.
    expect(await revalidate(id, etag)).toMatchObject({ status: 304 });

    expect((await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] })).status).toBe(204);
    let now = await revalidate(id, etag);
    expect(now).toMatchObject({ status: 200, groups: ['Sales'] });
    expect(now.etag).not.toBe(etag);
    etag = now.etag;
    expect(await revalidate(id, etag)).toMatchObject({ status: 304 });

    expect((await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Sales EMEA' }] })).status).toBe(204);
    now = await revalidate(id, etag);
    expect(now).toMatchObject({ status: 200, groups: ['Sales EMEA'] });
    etag = now.etag;

    expect((await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] })).status).toBe(204);
    now = await revalidate(id, etag);
    expect(now).toMatchObject({ status: 200, groups: [] });
    etag = now.etag;

    expect((await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] })).status).toBe(204);
    now = await revalidate(id, etag);
    expect(now).toMatchObject({ status: 200, groups: ['Sales EMEA'] });
    etag = now.etag;

    expect((await scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    now = await revalidate(id, etag);
    expect(now).toMatchObject({ status: 200, groups: [] });
    // A write with the ETag read before the group change is refused like any stale one.
    expect((await scim('PUT', `/Users/${id}`, { userName: 'etag.jane', externalId: 'etag.jane@acme.test', displayName: 'Jane D' }, { 'if-match': etag })).status).toBe(412);
    expect((await scim('PUT', `/Users/${id}`, { userName: 'etag.jane', externalId: 'etag.jane@acme.test', displayName: 'Jane D' }, { 'if-match': now.etag })).status).toBe(200);
  });

  test('When 500 users join one group in one PATCH and it is then deleted, then every one of them has a new version each time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) ids.push((await server.services.store.users.create(newUser(acme.teamId))).id);
    const group = await scim('POST', '/Groups', { displayName: 'Everyone' });
    const versions = async () => new Set(await Promise.all(ids.map(async (id) => (await server.services.store.users.get(acme.teamId, id))!.version)));
    expect(await versions()).toEqual(new Set([1]));
    const added = await scim('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }] });
    expect(added.status).toBe(204);
    expect(await versions()).toEqual(new Set([2]));
    expect((await scim('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    expect(await versions()).toEqual(new Set([3]));
  }, 60_000);
});
