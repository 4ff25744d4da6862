import { createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, IDP_SSO_URL } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { PageClient, visibleText } from '../web/page-client';

jest.setTimeout(120_000);

const newUser = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: `${userName}@acme.test`, displayName: userName });

/** A token bound to an IdP must not outlive it: it could only create users reserved for an IdP that is gone. */
describe('deleting an IdP deletes the SCIM tokens bound to it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
  });
  afterAll(() => server.close());

  test('When an IdP with a bound token is deleted through the API, then the answer counts the token, the token answers 401 at once, and other tokens keep working', async () => {
    const acme = await createTeam(server, 'Acme');
    const idpId = await connectedIdp(server, acme, TestIdp.create({ entityId: 'https://idp.acme.test/metadata' }));
    const bound = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'Entra', password: acme.password, idp: idpId } });
    const free = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'Other', password: acme.password } });
    // Used once, so it sits in the token cache when the IdP goes.
    expect((await call(server.url, 'POST', '/scim/v2/Users', { token: bound.body.token, json: newUser('before') })).status).toBe(201);

    const reply = await call(server.url, 'DELETE', `/identity-providers/${idpId}?purge=true`, { token: acme.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ deleted: idpId, users_removed: 1, tokens_removed: 1 });

    const after = await call(server.url, 'POST', '/scim/v2/Users', { token: bound.body.token, json: newUser('after') });
    expect(after.status).toBe(401);
    expect((await server.services.store.users.findByHandle('after'))).toBeNull();
    const tokens = await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken });
    expect(tokens.body.tokens.map((t: { id: string }) => t.id)).toEqual([free.body.info.id]);
    expect((await call(server.url, 'POST', '/scim/v2/Users', { token: free.body.token, json: newUser('free') })).status).toBe(201);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'scim-token.deleted', limit: 10 });
    expect(audit[0]).toMatchObject({ targetId: bound.body.info.id, details: { reason: 'idp-deleted', idp: idpId } });
  });

  test('When an admin deletes such a connection on the SSO page, then the confirmation and the result say how many tokens go with it', async () => {
    const globex = await createTeam(server, 'Globex');
    const idp = TestIdp.create({ entityId: 'https://idp.globex.test/metadata' });
    const admin = new PageClient(server.url);
    await admin.signIn(globex.email, globex.password);
    await admin.get('/admin/sso');
    const connected = await admin.upload('/admin/sso/connections', { metadata: idp.metadataXml({ ssoUrl: IDP_SSO_URL }), handle: 'Globex IdP' });
    const id = connected.location!.split('/')[3]!.split('?')[0]!;
    for (const description of ['one', 'two'])
      expect((await call(server.url, 'POST', '/scim/auth-tokens', { token: globex.accessToken, json: { description, password: globex.password, idp: id } })).status).toBe(200);

    const confirm = await admin.get(`/admin/sso/${id}/delete`);
    expect(visibleText(confirm.html)).toContain('The 2 SCIM tokens bound to this connection are deleted with it');
    const done = await admin.post(`/admin/sso/${id}/delete`, { users: '0' });
    expect(done.status).toBe(303);
    expect(visibleText((await admin.get('/admin/sso')).html)).toContain('The 2 SCIM tokens bound to it were deleted too.');
    expect(await server.services.store.scimTokens.list(globex.teamId)).toEqual([]);
  });
});
