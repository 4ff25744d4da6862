/**
 * A group's ETag follows what its representation shows of its members: a member's displayName
 * (served as members[].display) and a deleted member user change it, though neither writes the
 * group. Through the real server and store.
 */
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('Group ETag vs its members', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme, 'Okta');
  });
  afterAll(() => server.close());

  const scim = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
    call(server.url, method, `/scim/v2${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { 'content-type': 'application/scim+json', ...headers } });

  async function user(name: string): Promise<string> {
    const r = await scim('POST', '/Users', { userName: name, externalId: `${name}@acme.test`, displayName: name });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  async function groupWith(name: string, members: string[]): Promise<string> {
    const r = await scim('POST', '/Groups', { displayName: name, members: members.map((value) => ({ value })) });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  const rename = async (id: string, displayName: string) => expect((await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] })).status).toBe(200);
  const displays = (body: { members?: Array<{ display: string }> }) => (body.members ?? []).map((m) => m.display);

  test('When a member is renamed through SCIM, then the group read again has a new ETag and shows the new name', async () => {
    const ada = await user('ada');
    const bob = await user('bob');
    const groupId = await groupWith('Engineers', [ada, bob]);
    const before = await scim('GET', `/Groups/${groupId}`);
    expect(displays(before.body)).toEqual(['ada', 'bob']);
    const etag = before.headers.get('etag')!;
    expect(before.body.meta.version).toBe(etag);
    expect((await scim('GET', `/Groups/${groupId}`)).headers.get('etag')).toBe(etag);

    await rename(ada, 'Ada Lovelace');

    const after = await scim('GET', `/Groups/${groupId}`);
    expect(displays(after.body)).toEqual(['Ada Lovelace', 'bob']);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.body.meta.version).toBe(after.headers.get('etag'));
  });

  test('When a client revalidates with If-None-Match, then 304 while nothing it shows changed, and 200 with the new name after a member rename', async () => {
    const cy = await user('cy');
    const groupId = await groupWith('Designers', [cy]);
    const etag = (await scim('GET', `/Groups/${groupId}`)).headers.get('etag')!;
    const unchanged = await scim('GET', `/Groups/${groupId}`, undefined, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);

    await rename(cy, 'Cy Twombly');

    const changed = await scim('GET', `/Groups/${groupId}`, undefined, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(displays(changed.body)).toEqual(['Cy Twombly']);
  });

  test('When a member user is deleted, then the group ETag changes with the member list', async () => {
    const dee = await user('dee');
    const eve = await user('eve');
    const groupId = await groupWith('Support', [dee, eve]);
    const etag = (await scim('GET', `/Groups/${groupId}`)).headers.get('etag')!;
    expect((await scim('DELETE', `/Users/${eve}`)).status).toBe(204);
    const after = await scim('GET', `/Groups/${groupId}`, undefined, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(displays(after.body)).toEqual(['dee']);
  });

  test('When a client writes with the ETag it read before a member was renamed, then the write goes through: If-Match guards the group itself', async () => {
    const fay = await user('fay');
    const gus = await user('gus');
    const groupId = await groupWith('Sales', [fay]);
    const etag = (await scim('GET', `/Groups/${groupId}`)).headers.get('etag')!;
    await rename(fay, 'Fay Wray');
    const add = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: gus }] }] }, { 'if-match': etag });
    expect(add.status).toBe(204);
    // The group itself changed now: the tag read before is stale for the next write.
    const stale = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(displays((await scim('GET', `/Groups/${groupId}`)).body)).toEqual(['Fay Wray', 'gus']);
  });

  test('When the group is read without its members, then its ETag is the plain version, which a member rename does not change', async () => {
    const hal = await user('hal');
    const groupId = await groupWith('Ops', [hal]);
    const bare = await scim('GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(bare.headers.get('etag')).toBe('W/"1"');
    await rename(hal, 'Hal Foster');
    expect((await scim('GET', `/Groups/${groupId}?excludedAttributes=members`, undefined, { 'if-none-match': 'W/"1"' })).status).toBe(304);
  });
});
