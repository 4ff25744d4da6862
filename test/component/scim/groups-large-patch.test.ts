/**
 * The 5,000-member PATCH path (an IdP syncing a large group in one request) through the real
 * server and store: correctness only; its speed is measured by `npm run bench` (bench/scim-groups.ts).
 */
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUser } from '../../support/store-fixtures';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SIZE = 5000;

describe('SCIM /Groups with 5,000 members in one PATCH', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  let userIds: string[];

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme, 'Entra ID');
    userIds = [];
    for (let start = 0; start < SIZE; start += 500) {
      const batch = await Promise.all(Array.from({ length: Math.min(500, SIZE - start) }, (_, i) => server.services.store.users.create(newUser(acme.teamId, { displayName: `Person ${start + i}` }))));
      userIds.push(...batch.map((u) => u.id));
    }
  }, 120_000);
  afterAll(() => server.close());

  const scim = (method: string, path: string, json?: unknown) =>
    call(server.url, method, `/scim/v2${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { 'content-type': 'application/scim+json' } });
  const patch = (id: string, operations: unknown[]) => scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: operations });
  const memberIds = async (groupId: string) => (await server.services.store.groups.listMembers(acme.teamId, groupId)).map((m) => m.id);

  test('When an IdP adds 5,000 members in one PATCH and then removes them all by value, then the group holds exactly those members, then none, and the audit trail counts both', async () => {
    const created = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Everyone' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;

    const added = await patch(id, [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }]);
    expect([200, 204]).toContain(added.status);
    const after = await memberIds(id);
    expect(after).toHaveLength(SIZE);
    expect(new Set(after)).toEqual(new Set(userIds));
    const read = await scim('GET', `/Groups/${id}`);
    expect((read.body as { members: Array<{ value: string }> }).members.map((m) => m.value).sort()).toEqual([...userIds].sort());

    const removed = await patch(id, [{ op: 'remove', path: 'members', value: userIds.map((value) => ({ value })) }]);
    expect([200, 204]).toContain(removed.status);
    expect(await memberIds(id)).toEqual([]);
    expect((await server.services.store.groups.groupsOfUser(acme.teamId, userIds[4321]!))).toEqual([]);

    const changes = (await server.services.store.audit.list({ teamId: acme.teamId, action: 'group.members.changed', limit: 10 })).filter((e) => e.targetId === id);
    expect(changes.map((e) => [e.details.added, e.details.removed])).toEqual([[0, SIZE], [SIZE, 0]]);
  }, 120_000);
});
