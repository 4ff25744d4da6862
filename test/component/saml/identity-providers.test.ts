import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../../src/accounts/passwords';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectIdp, connectedIdp, IDP_SSO_URL, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

const FIXTURES = path.join(__dirname, '../../fixtures/saml/metadata');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('IdP connections through /identity-providers', () => {
  let server: TestServer;
  let acme: TestTeam;
  let globex: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    globex = await createTeam(server, 'Globex');
  });
  afterAll(() => server.close());

  const api = (team: TestTeam, method: string, p: string, options: Parameters<typeof call>[3] = {}) => call(server.url, method, p, { token: team.accessToken, ...options });
  const audited = async (team: TestTeam, action: string) => (await server.services.store.audit.list({ teamId: team.teamId, action, limit: 100 })).length;

  test.each([
    ['Entra ID', 'entra-id.xml'],
    ['Okta', 'okta.xml'],
    ['Google Workspace', 'google-workspace.xml'],
    ['Keycloak', 'keycloak.xml'],
    ['ADFS', 'adfs.xml'],
  ])('When an admin uploads %s metadata as raw XML, then the connection is created with its login code and audited', async (_vendor, file) => {
    const team = await createTeam(server, 'Vendors');
    const res = await api(team, 'POST', '/identity-providers', { body: fixture(file), headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      team: team.teamId,
      login_code: `sso-${res.body.id}`,
      login_url: `${server.url}/sso/start/sso-${res.body.id}`,
      sp: { entity_id: `${server.url}/sso/metadata/${team.teamId}`, acs_url: `${server.url}/sso/finalize-login/${team.teamId}` },
      allow_idp_initiated: false,
      users: 0,
    });
    expect(res.body.certificates.length).toBeGreaterThanOrEqual(1);
    for (const cert of res.body.certificates) expect(cert.fingerprint_sha256).toMatch(/^[0-9A-F:]+$/);
    expect(await audited(team, 'idp.created')).toBe(1);
    const raw = await api(team, 'GET', `/identity-providers/${res.body.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/application\/xml/);
    expect(raw.text).toBe(fixture(file));
  });

  test.each([
    ['broken/okta-no-signing-certificate.xml', 'signing-certificate-missing'],
    ['broken/google-no-sso-service.xml', 'sso-service-missing'],
    ['broken/google-xxe-doctype.xml', 'doctype-forbidden'],
    ['broken/billion-laughs.xml', 'doctype-forbidden'],
    ['broken/okta-truncated.xml', 'malformed-xml'],
    ['broken/okta-login-page.html', 'not-metadata'],
    ['broken/okta-entity-id-missing.xml', 'entity-id-missing'],
    ['broken/keycloak-two-idps.xml', 'multiple-idps'],
    ['broken/adfs-sp-descriptor-only.xml', 'idp-descriptor-missing'],
    ['broken/entra-certificate-garbage.xml', 'certificate-malformed'],
    ['broken/okta-sso-location-javascript.xml', 'sso-url-invalid'],
  ])('When the metadata is broken (%s), then 400 %s and nothing is stored', async (file, label) => {
    const res = await api(acme, 'POST', '/identity-providers', { json: { metadata: fixture(file) } });
    expect(res.status).toBe(400);
    expect(res.body.label).toBe(label);
    expect(res.body.message).toMatch(/metadata/i);
    expect((await api(acme, 'GET', '/identity-providers')).body.providers).toHaveLength(0);
  });

  test('When no metadata is sent, or both forms at once, then 400 says what to send', async () => {
    expect((await api(acme, 'POST', '/identity-providers', { json: {} })).body.label).toBe('metadata-missing');
    expect((await api(acme, 'POST', '/identity-providers', { json: { metadata: 'x', metadata_url: 'https://x.test' } })).status).toBe(400);
    expect((await api(acme, 'POST', '/identity-providers', { body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });

  test('When the same entityID is connected twice in one team, then 409 idp-exists; another team may connect it', async () => {
    const idp = TestIdp.create({ entityId: `https://twice.test/${randomUUID()}` });
    const first = await connectIdp(server, acme, idp, '?handle=Main');
    expect(first.status).toBe(201);
    expect(first.body.handle).toBe('Main');
    const second = await connectIdp(server, acme, idp);
    expect(second.status).toBe(409);
    expect(second.body.label).toBe('idp-exists');
    expect(second.body.message).toContain(`replaces=${first.body.id}`);
    expect((await connectIdp(server, globex, idp)).status).toBe(201);
    const sameHandle = await connectIdp(server, acme, TestIdp.create({ entityId: `https://other.test/${randomUUID()}` }), '?handle=Main');
    expect(sameHandle.status).toBe(409);
    expect(sameHandle.body.label).toBe('handle-exists');
  });

  test('When an admin lists, reads and updates a connection, then the settings change and PUT keeps the id', async () => {
    const idp = TestIdp.create({ entityId: `https://put.test/${randomUUID()}` });
    const id = await connectedIdp(server, acme, idp);
    const list = await api(acme, 'GET', '/identity-providers');
    expect(list.body.providers.map((p: { id: string }) => p.id)).toContain(id);
    const one = await api(acme, 'GET', `/identity-providers/${id}`);
    expect(one.body).toMatchObject({ id, entity_id: idp.entityId, binding: 'HTTP-POST', sso_url: IDP_SSO_URL });

    const settings = await api(acme, 'PUT', `/identity-providers/${id}`, { json: { allow_idp_initiated: true, handle: 'Okta prod' } });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ id, allow_idp_initiated: true, handle: 'Okta prod' });

    const rotated = TestIdp.create({ entityId: idp.entityId });
    const put = await api(acme, 'PUT', `/identity-providers/${id}`, { body: rotated.metadataXml({ ssoUrl: 'https://idp.test/redirect', binding: 'redirect' }), headers: { 'content-type': 'text/xml' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, binding: 'HTTP-Redirect', allow_idp_initiated: true, certificates: [expect.objectContaining({ fingerprint_sha256: rotated.keys.fingerprintSha256 })] });
    expect((await api(acme, 'PUT', `/identity-providers/${id}`, { json: {} })).status).toBe(400);
    expect(await audited(acme, 'idp.updated')).toBeGreaterThanOrEqual(2);
  });

  test('When users are bound to an IdP, then DELETE is refused with idp-has-users until ?purge=true, which deletes them too', async () => {
    const team = await createTeam(server, 'Purge');
    const idp = TestIdp.create({ entityId: `https://purge.test/${randomUUID()}` });
    const id = await connectedIdp(server, team, idp);
    const reply = await signInThrough(server, idp, team.teamId, id, { nameId: 'doomed@purge.test' });
    const userId = (await selfWithSession(server, reply.session!)).body.id;

    const refused = await api(team, 'DELETE', `/identity-providers/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.label).toBe('idp-has-users');
    expect(refused.body.message).toMatch(/purge=true/);
    expect((await api(team, 'GET', `/identity-providers/${id}`)).status).toBe(200);

    const purged = await api(team, 'DELETE', `/identity-providers/${id}?purge=true`);
    expect(purged.status).toBe(200);
    expect(purged.body).toEqual({ deleted: id, users_removed: 1, tokens_removed: 0 });
    expect(await server.services.store.users.get(team.teamId, userId)).toBeNull();
    expect((await api(team, 'GET', `/identity-providers/${id}`)).status).toBe(404);
    expect((await call(server.url, 'POST', '/access', { headers: { cookie: `gh_session=${reply.session}` } })).status).toBe(403);
    const [entry] = await server.services.store.audit.list({ teamId: team.teamId, action: 'idp.deleted', limit: 1 });
    expect(entry!.details).toMatchObject({ purge: true, usersRemoved: 1 });
  });

  test('When an IdP without users is deleted, then 200 and its login code stops working', async () => {
    const idp = TestIdp.create({ entityId: `https://gone.test/${randomUUID()}` });
    const id = await connectedIdp(server, acme, idp);
    expect((await api(acme, 'DELETE', `/identity-providers/${id}`)).status).toBe(200);
    expect((await fetch(`${server.url}/sso/initiate-login/${id}`, { method: 'HEAD' })).status).toBe(404);
  });

  test('When replaces names an unknown IdP or one already replaced, then it is refused', async () => {
    const old = await connectedIdp(server, acme, TestIdp.create({ entityId: `https://old.test/${randomUUID()}` }));
    expect((await connectIdp(server, acme, TestIdp.create({ entityId: `https://x.test/${randomUUID()}` }), `?replaces=${randomUUID()}`)).body.label).toBe('unknown-idp');
    expect((await connectIdp(server, acme, TestIdp.create({ entityId: `https://y.test/${randomUUID()}` }), `?replaces=${old}`)).status).toBe(201);
    const again = await connectIdp(server, acme, TestIdp.create({ entityId: `https://z.test/${randomUUID()}` }), `?replaces=${old}`);
    expect(again.status).toBe(409);
    expect(again.body.label).toBe('idp-already-replaced');
  });

  test("When Globex's admin reads, updates or deletes Acme's IdP, then it is not found and unchanged", async () => {
    const id = await connectedIdp(server, acme, TestIdp.create({ entityId: `https://private.test/${randomUUID()}` }));
    for (const [method, p] of [['GET', `/identity-providers/${id}`], ['GET', `/identity-providers/${id}/raw`], ['PUT', `/identity-providers/${id}`], ['DELETE', `/identity-providers/${id}?purge=true`], ['POST', `/identity-providers/${id}/test`]] as const) {
      const res = await api(globex, method, p, method === 'PUT' ? { json: { allow_idp_initiated: true } } : {});
      expect(res.status).toBe(404);
    }
    expect((await api(acme, 'GET', `/identity-providers/${id}`)).body.allow_idp_initiated).toBe(false);
  });

  test('When a member or an anonymous caller uses the API, then 403 / 401', async () => {
    await server.services.store.users.create({
      id: randomUUID(), teamId: acme.teamId, handle: 'idp-member', email: 'idp-member@acme.test', displayName: 'Member', role: 'member', status: 'active', managedBy: 'manual',
      externalId: null, passwordHash: await hashPassword('member-password'), idpId: null, nameId: null, scim: {},
    });
    const login = await call(server.url, 'POST', '/login', { json: { email: 'idp-member@acme.test', password: 'member-password' } });
    expect((await call(server.url, 'GET', '/identity-providers', { token: login.body.access_token })).status).toBe(403);
    expect((await call(server.url, 'GET', '/identity-providers')).status).toBe(401);
  });

  test('When the SP metadata of a team is fetched, then it names the team entityID, the ACS, both NameID formats and the signing certificate', async () => {
    const res = await fetch(`${server.url}/sso/metadata/${acme.teamId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${server.url}/sso/metadata/${acme.teamId}"`);
    expect(xml).toContain(`Location="${server.url}/sso/finalize-login/${acme.teamId}"`);
    expect(xml).toContain('AuthnRequestsSigned="true"');
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain('nameid-format:emailAddress');
    expect(xml).toContain('nameid-format:unspecified');
    expect(xml).toMatch(/<ds:X509Certificate>[A-Za-z0-9+/=]+<\/ds:X509Certificate>/);
    expect((await fetch(`${server.url}/sso/metadata/${randomUUID()}`)).status).toBe(404);
  });
});
