/**
 * POST /users/{id}/hand-to-directory: an owner hands a password account to the SCIM directory, after
 * which SCIM manages it like any user it created (issue 14, item 10).
 */
import { operatorActor } from '../../../src/accounts/audit';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PASSWORD = 'admin password that is long';

describe('Handing a password account to the directory (API)', () => {
  let server: TestServer;
  let acme: TestTeam;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '1000' });
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme, 'Okta');
  });
  afterAll(() => server.close());

  async function passwordAccount(team: TestTeam, role: 'admin' | 'owner', name: string) {
    const email = `${name}-${team.teamId.slice(0, 6)}@acme.test`;
    const user = await server.services.accounts.addAdmin({ teamId: team.teamId, email, role, password: PASSWORD, actor: operatorActor });
    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    return { id: user.id, email, accessToken: login.body.access_token as string };
  }
  const handOver = (id: string, accessToken: string) => call(server.url, 'POST', `/users/${id}/hand-to-directory`, { token: accessToken });
  const scimGet = (id: string) => call(server.url, 'GET', `/scim/v2/Users/${id}`, { token });

  test('When the owner hands an admin over, then SCIM lists, finds, suspends and deletes them like any user, and it is audited', async () => {
    const admin = await passwordAccount(acme, 'admin', 'dana');
    expect((await scimGet(admin.id)).status).toBe(404);
    const reply = await handOver(admin.id, acme.accessToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: admin.id, role: 'admin', status: 'active', managed_by: 'scim', email: admin.email });
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'user.handed_to_directory', limit: 5 });
    expect(audit[0]).toMatchObject({ actor: { type: 'user', id: acme.ownerId }, targetId: admin.id, details: { role: 'admin', externalId: admin.email, passwordKept: true } });

    // The directory now sees them, linked by their sign-in email as externalId (an invited user's shape).
    const found = await call(server.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${admin.email}"`)}`, { token });
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).toMatchObject({ id: admin.id, externalId: admin.email, active: true });
    // Until the directory acts, the password still works.
    expect((await call(server.url, 'GET', '/self', { token: admin.accessToken })).status).toBe(200);

    const suspend = await call(server.url, 'PATCH', `/scim/v2/Users/${admin.id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(suspend.status).toBe(200);
    expect(suspend.body.active).toBe(false);
    const login = await call(server.url, 'POST', '/login', { json: { email: admin.email, password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body.label).toBe('account-suspended');
    expect((await call(server.url, 'GET', '/self', { token: admin.accessToken })).status).toBe(401);

    expect((await call(server.url, 'DELETE', `/scim/v2/Users/${admin.id}`, { token })).status).toBe(204);
    expect(await server.services.store.users.get(acme.teamId, admin.id)).toBeNull();
  });

  test('When an owner tries to hand over themselves, then 409 says why and nothing changes', async () => {
    const reply = await handOver(acme.ownerId, acme.accessToken);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ label: 'cannot-hand-over-self', message: expect.stringContaining('the team must keep an owner the directory cannot suspend or delete') });
    expect((await server.services.store.users.get(acme.teamId, acme.ownerId))!.managedBy).toBe('manual');
  });

  test('When a second owner is handed over, then SCIM sees them but still may not suspend or delete an owner, and they cannot hand over others', async () => {
    const second = await passwordAccount(acme, 'owner', 'olga');
    expect((await handOver(second.id, acme.accessToken)).status).toBe(200);
    const suspend = await call(server.url, 'PATCH', `/scim/v2/Users/${second.id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(suspend.status).toBe(400);
    expect(suspend.body.scimType).toBe('mutability');
    const other = await passwordAccount(acme, 'admin', 'ivan');
    const refused = await handOver(other.id, second.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.label).toBe('owner-in-directory');
    // Nor can the handed-over owner hand back the one owner left outside the directory.
    expect((await handOver(acme.ownerId, second.accessToken)).status).toBe(403);
    expect((await server.services.store.users.get(acme.teamId, acme.ownerId))!.managedBy).toBe('manual');
  });

  test('When an admin (not an owner), a repeat, a bad id or an unknown id is tried, then a clear 4xx and nothing changes', async () => {
    const admin = await passwordAccount(acme, 'admin', 'ada');
    const peer = await passwordAccount(acme, 'admin', 'pia');
    const byAdmin = await handOver(peer.id, admin.accessToken);
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body).toMatchObject({ label: 'owner-only', message: 'Only a team owner can hand a person to the directory.' });
    expect((await handOver(peer.id, acme.accessToken)).status).toBe(200);
    const again = await handOver(peer.id, acme.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.label).toBe('already-in-directory');
    expect((await handOver('not-a-uuid', acme.accessToken)).status).toBe(400);
    expect((await handOver('0190a7b2-0000-7000-8000-000000000000', acme.accessToken)).status).toBe(404);
    expect((await call(server.url, 'POST', `/users/${admin.id}/hand-to-directory`)).status).toBe(401);
    expect((await server.services.store.users.get(acme.teamId, admin.id))!.managedBy).toBe('manual');
  });

  test("When an owner tries to hand over another team's admin, then 404 and that team's admin stays outside its directory", async () => {
    const globex = await createTeam(server, 'Globex');
    const stranger = await passwordAccount(globex, 'admin', 'gus');
    const reply = await handOver(stranger.id, acme.accessToken);
    expect(reply.status).toBe(404);
    expect((await server.services.store.users.get(globex.teamId, stranger.id))!.managedBy).toBe('manual');
    expect((await scimGet(stranger.id)).status).toBe(404);
  });

  test('When the directory already has a user with the admin\'s email as externalId, then the hand-over is refused with 409 naming the clash', async () => {
    const admin = await passwordAccount(acme, 'admin', 'tess');
    await server.services.store.users.create({ id: '0190a7b2-0000-7000-8000-00000000a1a1', teamId: acme.teamId, handle: `twin.${acme.teamId.slice(0, 6)}`, email: null, displayName: 'Twin', role: 'member', status: 'active', managedBy: 'scim', externalId: admin.email, passwordHash: null, idpId: null, nameId: null, scim: {} });
    const reply = await handOver(admin.id, acme.accessToken);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ label: 'external-id-taken', message: expect.stringContaining(admin.email) });
    expect((await server.services.store.users.get(acme.teamId, admin.id))!.managedBy).toBe('manual');
  });
});
