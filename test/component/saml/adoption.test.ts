import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

jest.setTimeout(120_000);

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A team that used SSO self-signup turns SCIM on: the directory adopts the just-in-time users
 * (POST with externalId = NameID, or PATCH setting it), never makes twins, and from then on its
 * suspend and delete stop sign-in at once. Signed responses from the test IdP, real server and store.
 */
describe('SCIM adopts just-in-time SSO users', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  let scimToken: string;

  const scim = (method: string, path: string, json?: unknown) => call(server.url, method, `/scim/v2${path}`, { token: scimToken, json });
  const signIn = (nameId: string) => signInThrough(server, idp, acme.teamId, idpId, { nameId });
  const audit = (action: string) => server.services.store.audit.list({ teamId: acme.teamId, action, limit: 100 });
  const logEntries = async (): Promise<Array<{ method: string; status: number; detail: string | null }>> =>
    (await call(server.url, 'GET', '/scim/provisioning-log?limit=50', { token: acme.accessToken })).body.entries;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
    // Self-signup while the team has no SCIM token.
    for (const nameId of ['jit.post@acme.test', 'jit.patch@acme.test', 'jit.taken@acme.test']) expect((await signIn(nameId)).session).not.toBeNull();
    scimToken = await createScimToken(server, acme, 'Okta');
  });
  afterAll(() => server.close());

  test('When the directory POSTs a user whose externalId is a JIT user\'s NameID, then 201 answers the existing id, the account is adopted (managed_by scim, audited), its session survives, and no twin exists', async () => {
    const jit = (await server.services.store.users.findByNameId(acme.teamId, idpId, 'jit.post@acme.test'))!;
    expect(jit.managedBy).toBe('sso');
    const session = (await signIn('jit.post@acme.test')).session!;
    const countBefore = await server.services.store.users.countByTeam(acme.teamId);

    const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'jit.post', externalId: 'jit.post@acme.test', displayName: 'Post Adopted' });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(jit.id);
    expect(created.body).toMatchObject({ externalId: 'jit.post@acme.test', displayName: 'Post Adopted', active: true });
    expect(await server.services.store.users.countByTeam(acme.teamId)).toBe(countBefore);
    expect(await server.services.store.users.get(acme.teamId, jit.id)).toMatchObject({ managedBy: 'scim', idpId, nameId: 'jit.post@acme.test', externalId: 'jit.post@acme.test' });
    expect((await audit('user.adopted')).find((e) => e.targetId === jit.id)).toMatchObject({ actor: { type: 'scim-token' }, details: { externalId: 'jit.post@acme.test', bindingKept: true } });
    expect((await logEntries()).find((e) => e.method === 'POST' && e.status === 201 && e.detail?.includes(jit.id))?.detail).toMatch(/^adopted SSO user/);
    // The person's browser session was kept, and signing in again lands in the same account.
    expect((await selfWithSession(server, session)).body.id).toBe(jit.id);
    const again = await signIn('jit.post@acme.test');
    expect((await selfWithSession(server, again.session!)).body.id).toBe(jit.id);

    // From now on the directory is the source of truth: suspending stops sign-in and ends sessions at once…
    const suspended = await scim('PATCH', `/Users/${jit.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(suspended.status).toBe(200);
    expect(labelOf((await signIn('jit.post@acme.test')).location)).toBe('account-suspended');
    expect((await call(server.url, 'POST', '/access', { headers: { cookie: `gh_session=${again.session}` } })).status).toBe(403);
    // …and deleting does too (no JIT row left behind to win the sign-in).
    expect((await scim('DELETE', `/Users/${jit.id}`)).status).toBe(204);
    expect(labelOf((await signIn('jit.post@acme.test')).location)).toBe('not-provisioned');
  });

  test('When the directory PATCHes externalId onto a JIT user (Okta/Entra matching), then the binding is kept, the user is adopted and still signs in', async () => {
    const jit = (await server.services.store.users.findByNameId(acme.teamId, idpId, 'jit.patch@acme.test'))!;
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${jit.handle}"`)}`);
    expect(found.body.Resources[0].id).toBe(jit.id);
    const patched = await scim('PATCH', `/Users/${jit.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'jit.patch@acme.test' }] });
    expect(patched.status).toBe(200);
    expect(await server.services.store.users.get(acme.teamId, jit.id)).toMatchObject({ managedBy: 'scim', nameId: 'jit.patch@acme.test', idpId });
    expect((await audit('user.adopted')).some((e) => e.targetId === jit.id)).toBe(true);
    const reply = await signIn('jit.patch@acme.test');
    expect(labelOf(reply.location)).toBeNull();
    expect((await selfWithSession(server, reply.session!)).body.id).toBe(jit.id);
  });

  test("When a directory write would give a second user a JIT user's NameID, then 409 uniqueness names the existing user and nothing changes", async () => {
    const holder = (await server.services.store.users.findByNameId(acme.teamId, idpId, 'jit.taken@acme.test'))!;
    const other = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'someone.else', externalId: 'someone.else@acme.test', displayName: 'Someone Else' });
    expect(other.status).toBe(201);
    const clash = await scim('PATCH', `/Users/${other.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'jit.taken@acme.test' }] });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ scimType: 'uniqueness', detail: expect.stringContaining(holder.id) });
    expect(await server.services.store.users.get(acme.teamId, other.body.id)).toMatchObject({ externalId: 'someone.else@acme.test' });
    // After adoption the same value is an externalId: a second POST for it is a 409 naming the adopted user, not a twin.
    const adopted = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'jit.taken', externalId: 'jit.taken@acme.test', displayName: 'Taken' });
    expect(adopted.body.id).toBe(holder.id);
    const twin = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'jit.taken.twin', externalId: 'jit.taken@acme.test', displayName: 'Twin' });
    expect(twin.status).toBe(409);
    expect(twin.body.detail).toContain(holder.id);
  });
});
