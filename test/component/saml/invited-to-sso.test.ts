import { createScimToken, createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

jest.setTimeout(120_000);

/**
 * An email/password team provisioned by SCIM (invitations) connects an IdP: an invited person who
 * signs in through it with NameID = externalId is activated, and the invitation is consumed.
 */
describe('invited users move to SSO', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
  });

  test('When a pending invited user signs in through the newly connected IdP, then the account is activated, the invitation consumed, and both are audited', async () => {
    const acme = await createTeam(server, 'Acme');
    const token = await createScimToken(server, acme, 'Okta');
    const created = await call(server.url, 'POST', '/scim/v2/Users', {
      token,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'inez', externalId: 'inez@acme.test', displayName: 'Inez' },
    });
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(false);
    const id = created.body.id as string;
    await server.services.invitations.idle();
    expect(await server.services.store.invitations.findOpenForUser(acme.teamId, id)).not.toBeNull();

    const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    const idpId = await connectedIdp(server, acme, idp);
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'inez@acme.test' });
    expect(labelOf(reply.location)).toBeNull();
    expect((await selfWithSession(server, reply.session!)).body.id).toBe(id);

    expect(await server.services.store.users.get(acme.teamId, id)).toMatchObject({ status: 'active', idpId, nameId: 'inez@acme.test', managedBy: 'scim' });
    expect(await server.services.store.invitations.findOpenForUser(acme.teamId, id)).toBeNull();
    const actions = (await server.services.store.audit.list({ teamId: acme.teamId, limit: 100 })).filter((e) => e.targetId === id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['sso.user.activated', 'invitation.consumed']));
    // The directory now sees an active user it can suspend like any other.
    expect((await call(server.url, 'GET', `/scim/v2/Users/${id}`, { token })).body.active).toBe(true);
  });

  test('When the NameID is not the invited externalId, then nobody is activated (not-provisioned)', async () => {
    const globex = await createTeam(server, 'Globex');
    const token = await createScimToken(server, globex, 'Okta');
    const created = await call(server.url, 'POST', '/scim/v2/Users', {
      token,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'gus', externalId: 'gus@globex.test', displayName: 'Gus' },
    });
    const idp = TestIdp.create({ entityId: 'https://idp.globex.test/metadata' });
    const idpId = await connectedIdp(server, globex, idp);
    const reply = await signInThrough(server, idp, globex.teamId, idpId, { nameId: 'gus.other@globex.test' });
    expect(labelOf(reply.location)).toBe('not-provisioned');
    expect(await server.services.store.users.get(globex.teamId, created.body.id)).toMatchObject({ status: 'pending', nameId: null });
  });
});
