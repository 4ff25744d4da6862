import { randomUUID } from 'node:crypto';
import { IDP_DEFAULTS, PATCH_OP } from '../../fixtures/scim/idp-defaults';
import { createScimToken, createTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

/**
 * An IdP administrator adds the app, pastes the SCIM URL and token and keeps every default mapping:
 * in the directory profile the person is provisioned, updated, signs in with the IdP's default
 * NameID, is suspended (sign-in refused) and deleted; in strict the same create is today's 400.
 */
describe.each(IDP_DEFAULTS)('$name with its default mappings', (idpDefaults) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function connectedTeam(profile: 'strict' | 'directory') {
    const team = await createTeam(server, `${idpDefaults.name} ${profile}`);
    const idp = TestIdp.create({ entityId: `https://${idpDefaults.name.replace(/\W/g, '').toLowerCase()}.idp.test/${randomUUID()}` });
    const idpId = await connectedIdp(server, team, idp);
    const put = await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: profile } });
    expect(put.status).toBe(200);
    const token = await createScimToken(server, team, idpDefaults.name);
    const scim = (method: string, path: string, json?: unknown): Promise<Reply> => call(server.url, method, `/scim/v2${path}`, { token, json, headers: { 'content-type': 'application/scim+json' } });
    return { team, idp, idpId, scim };
  }

  test('When the directory profile is on, then the person is provisioned, updated, signs in with the default NameID, is suspended and deleted', async () => {
    const { team, idp, idpId, scim } = await connectedTeam('directory');
    const login = `Bob.Smith.${randomUUID().slice(0, 6)}@Contoso.com`;
    const body = idpDefaults.create(login);

    const created = await scim('POST', '/Users', body);
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe(body.userName);
    expect(created.body.displayName).toMatch(/Bob Smith/);
    // The IdP looks the person up again by userName before each update, in whatever case it has.
    const lookup = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${String(body.userName).toUpperCase()}"`)}`);
    expect(lookup.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);

    const updated = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: idpDefaults.update });
    expect(updated.status).toBe(200);

    const signedIn = await signInThrough(server, idp, team.teamId, idpId, { nameId: idpDefaults.nameId(login), nameIdFormat: idpDefaults.nameIdFormat });
    expect(signedIn.location).toBe('/me');
    const self = await selfWithSession(server, signedIn.session!);
    expect(self.body).toMatchObject({ id: created.body.id, managed_by: 'scim' });
    expect(self.body.handle).toMatch(/^bob\.smith\.[0-9a-f]{6}(-\d+)?$/);

    const suspended = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: idpDefaults.suspend });
    expect(suspended.body.active).toBe(false);
    const refused = await signInThrough(server, idp, team.teamId, idpId, { nameId: idpDefaults.nameId(login), nameIdFormat: idpDefaults.nameIdFormat });
    expect(refused.session).toBeNull();
    expect(labelOf(refused.location)).toBe('account-suspended');

    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    const gone = await signInThrough(server, idp, team.teamId, idpId, { nameId: idpDefaults.nameId(login), nameIdFormat: idpDefaults.nameIdFormat });
    expect(labelOf(gone.location)).toBe('not-provisioned');
  });

  test('When the strict profile is on, then the same create is a clear 400 and nobody is stored', async () => {
    const { team, scim } = await connectedTeam('strict');
    const created = await scim('POST', '/Users', idpDefaults.create(`Bob.Smith.${randomUUID().slice(0, 6)}@Contoso.com`));
    expect(created.status).toBe(400);
    expect(created.body.scimType).toBe('invalidValue');
    expect(created.body.detail).toMatch(idpDefaults.strictRefusal);
    expect(await server.services.store.users.countByTeam(team.teamId)).toBe(1); // the owner only
  });
});
