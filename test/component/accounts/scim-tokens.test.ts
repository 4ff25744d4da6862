import { operatorActor } from '../../../src/accounts/audit';
import { hashPassword } from '../../../src/accounts/passwords';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

describe('SCIM tokens through /scim/auth-tokens', () => {
  let server: TestServer;
  let acme: TestTeam;
  let globex: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    globex = await createTeam(server, 'Globex');
  });
  afterAll(() => server.close());

  const create = (team: TestTeam, body: object) => call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: body, headers: { 'content-type': 'application/json;charset=utf-8' } });

  test('When an admin creates, lists, renames and deletes a token as the seed curl session does, then each step answers as documented', async () => {
    const created = await create(acme, { description: 'test Mon Nov 23', password: acme.password });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ token: expect.stringMatching(/^gscim_[\w-]{43}$/), info: { id: expect.any(String), team: acme.teamId, created_at: expect.any(String), idp: null, description: 'test Mon Nov 23', name: 'test Mon Nov 23' } });
    const id = created.body.info.id;

    const team = await call(server.url, 'GET', '/team', { token: acme.accessToken });
    expect(team.body).toMatchObject({ has_scim: true, sso_self_signup: false });

    const list = await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.tokens).toEqual([created.body.info]);
    expect(list.text).not.toContain(created.body.token);

    const renamed = await call(server.url, 'PUT', `/scim/auth-tokens/${id}`, { token: acme.accessToken, json: { name: 'Entra ID' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'Entra ID' });

    // Used once (so this server has verified it), then deleted: the very next SCIM request is refused.
    expect((await call(server.url, 'GET', '/scim/v2/Users', { token: created.body.token })).status).toBe(200);
    const del = await call(server.url, 'DELETE', `/scim/auth-tokens?id=${id}`, { token: acme.accessToken });
    expect(del.status).toBe(204);
    expect((await call(server.url, 'GET', '/scim/v2/Users', { token: created.body.token })).status).toBe(401);
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken })).body.tokens).toEqual([]);
    expect((await call(server.url, 'GET', '/team', { token: acme.accessToken })).body).toMatchObject({ has_scim: false, sso_self_signup: true });
    const again = await call(server.url, 'DELETE', `/scim/auth-tokens?id=${id}`, { token: acme.accessToken });
    expect(again.status).toBe(404);
  });

  test('When the password is wrong or missing, then no token is created', async () => {
    const wrong = await create(acme, { description: 'x', password: 'wrong password' });
    expect(wrong.status).toBe(403);
    const missing = await create(acme, { description: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/password/);
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken })).body.tokens).toEqual([]);
  });

  test('When a team already has 8 tokens, then the 9th is refused with token-limit-reached', async () => {
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => create(globex, { description: `t${i}`, password: globex.password })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(8);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.status).toBe(403);
    expect(refused[0]!.body.label).toBe('token-limit-reached');
  });

  test('When a member (not an admin) asks for tokens, then 403', async () => {
    const member = await server.services.store.users.create({
      id: crypto.randomUUID(), teamId: acme.teamId, handle: 'plain-member', email: 'member@acme.test', displayName: 'Member', role: 'member', status: 'active', managedBy: 'manual', externalId: null,
      passwordHash: await hashPassword('member-password'), idpId: null, nameId: null, scim: {},
    });
    const login = await call(server.url, 'POST', '/login', { json: { email: 'member@acme.test', password: 'member-password' } });
    const r = await call(server.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token });
    expect(r.status).toBe(403);
    expect(r.body.label).toBe('insufficient-role');
    expect(member.role).toBe('member');
  });

  test("When Acme's admin tries to rename or delete Globex's token, then it is not found and stays intact", async () => {
    const list = await call(server.url, 'GET', '/scim/auth-tokens', { token: globex.accessToken });
    const victim = list.body.tokens[0].id;
    expect((await call(server.url, 'PUT', `/scim/auth-tokens/${victim}`, { token: acme.accessToken, json: { name: 'pwned' } })).status).toBe(404);
    expect((await call(server.url, 'DELETE', `/scim/auth-tokens?id=${victim}`, { token: acme.accessToken })).status).toBe(404);
    const after = await call(server.url, 'GET', '/scim/auth-tokens', { token: globex.accessToken });
    expect(after.body.tokens.find((t: { id: string }) => t.id === victim).name).not.toBe('pwned');
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken })).body.tokens.some((t: { id: string }) => t.id === victim)).toBe(false);
  });

  test('When tokens and passwords pass through the server, then they never appear in its logs', async () => {
    const created = await create(acme, { description: 'log check', password: acme.password });
    expect(created.status).toBe(200);
    const all = server.logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(created.body.token);
    expect(all).not.toContain(acme.password);
    expect(all).not.toContain(acme.accessToken);
  });

  test('When the operator creates a token with the service, then the same info shape is returned and audited', async () => {
    const out = await server.services.scimTokens.create(acme.teamId, { description: 'operator' }, operatorActor);
    expect(out.info).toMatchObject({ team: acme.teamId, description: 'operator', idp: null });
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, limit: 50 });
    expect(audit.some((a) => a.action === 'scim-token.created' && a.targetId === out.info.id && a.actor.type === 'operator')).toBe(true);
  });
});
