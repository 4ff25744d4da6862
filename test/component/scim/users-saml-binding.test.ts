import { randomUUID } from 'node:crypto';
import { createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { newUserBody } from './users-client';

describe('SCIM /Users and the SAML binding', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('When a token bound to an IdP creates a user, then the user is reserved for that IdP; a new externalId unbinds the old NameID', async () => {
    const team = await createTeam(server, 'Bound');
    const idpId = await connectedIdp(server, team, TestIdp.create({ entityId: `https://idp.bound.test/${randomUUID()}` }));
    const minted = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description: 'Entra', password: team.password, idp: idpId } });
    expect(minted.status).toBe(200);
    const scim = (method: string, path: string, json?: unknown) => call(server.url, method, `/scim/v2${path}`, { token: minted.body.token, json });

    const created = await scim('POST', '/Users', newUserBody({ externalId: 'nina@bound.test' }));
    expect(created.status).toBe(201);
    const stored = (await server.services.store.users.get(team.teamId, created.body.id))!;
    expect(stored).toMatchObject({ idpId, nameId: null, externalId: 'nina@bound.test', email: null });

    // As after a first SAML login: bound to the NameID.
    const signedIn = (await server.services.store.users.update({ ...stored, nameId: 'nina@bound.test' }, stored.version))!;
    const titled = await scim('PATCH', `/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'title', value: 'CTO' }] });
    expect(titled.status).toBe(200);
    expect(await server.services.store.users.get(team.teamId, created.body.id)).toMatchObject({ idpId, nameId: 'nina@bound.test' });

    const renamed = await scim('PATCH', `/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'externalId', value: 'nina.new@bound.test' }] });
    expect(renamed.status).toBe(200);
    expect(await server.services.store.users.get(team.teamId, signedIn.id)).toMatchObject({ idpId, nameId: null, externalId: 'nina.new@bound.test' });
  });

  test('When a token without an IdP creates a user, then no IdP is reserved', async () => {
    const team = await createTeam(server, 'Free');
    const minted = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description: 'Okta', password: team.password } });
    const created = await call(server.url, 'POST', '/scim/v2/Users', { token: minted.body.token, json: newUserBody() });
    expect(await server.services.store.users.get(team.teamId, created.body.id)).toMatchObject({ idpId: null, nameId: null });
  });
});
