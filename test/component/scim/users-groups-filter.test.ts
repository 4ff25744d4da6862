import { createScimToken, createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUserBody } from './users-client';

/** `GET /Users?filter=groups.value eq "…"`: the members of a group, or a 400 — never a silent empty list. */
describe('SCIM /Users filtered by group', () => {
  let server: TestServer;
  let token: string;
  let otherToken: string;
  let groupId: string;
  let memberIds: string[];
  const list = (filter: string, extra = '', t = token) => call(server.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}${extra}`, { token: t });

  beforeAll(async () => {
    server = await startTestServer();
    token = await createScimToken(server, await createTeam(server, 'Acme'));
    otherToken = await createScimToken(server, await createTeam(server, 'Globex'));
    const created = [];
    for (let i = 0; i < 4; i++) created.push((await call(server.url, 'POST', '/scim/v2/Users', { token, json: newUserBody() })).body.id as string);
    memberIds = created.slice(0, 3);
    const group = await call(server.url, 'POST', '/scim/v2/Groups', {
      token,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: memberIds.map((value) => ({ value })) },
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(() => server.close());

  test('When filtering users by groups.value eq a group id, then exactly its members are listed, with paging', async () => {
    const all = await list(`groups.value eq "${groupId}"`);
    expect(all.status).toBe(200);
    expect(all.body.totalResults).toBe(3);
    expect(all.body.Resources.map((u: { id: string }) => u.id).sort()).toEqual([...memberIds].sort());
    const page = await list(`groups.value eq "${groupId}"`, '&startIndex=2&count=1');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    const bracket = await list(`groups[value eq "${groupId}"]`);
    expect(bracket.body.totalResults).toBe(3);
  });

  test("When another team's token asks for this group's members, then it sees none", async () => {
    const reply = await list(`groups.value eq "${groupId}"`, '', otherToken);
    expect(reply.status).toBe(200);
    expect(reply.body.totalResults).toBe(0);
  });

  test.each(['groups.display eq "Engineering"', 'groups.value co "a"', 'groups pr', 'userName pr and groups.value eq "x"'])(
    'When the filter uses groups another way (%s), then 400 invalidFilter says what works',
    async (filter) => {
      const reply = await list(filter);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ scimType: 'invalidFilter', detail: expect.stringContaining('groups.value eq') });
    },
  );
});
