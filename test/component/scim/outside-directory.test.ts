import { createScimToken, createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

/** A directory POST that collides with the team's password owner says so, instead of a bare "taken". */
describe('SCIM writes colliding with an account outside the directory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("When the directory POSTs the owner's userName, then 409 uniqueness says an account outside the directory holds it and nothing is written", async () => {
    const acme = await createTeam(server, 'Acme');
    const token = await createScimToken(server, acme);
    const owner = (await server.services.store.users.get(acme.teamId, acme.ownerId))!;
    const before = await server.services.store.users.countByTeam(acme.teamId);
    const reply = await call(server.url, 'POST', '/scim/v2/Users', {
      token,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: owner.handle, externalId: 'someone@acme.test', displayName: 'Someone' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ scimType: 'uniqueness', detail: expect.stringContaining('an account outside the directory') });
    expect(reply.body.detail).toContain(owner.id);
    expect(await server.services.store.users.countByTeam(acme.teamId)).toBe(before);
  });

  test("When a directory-profile team's directory POSTs the owner's handle as userName, then 409 says an account outside the directory holds it", async () => {
    const acme = await createTeam(server, 'Contoso');
    expect((await call(server.url, 'PUT', '/team/settings', { token: acme.accessToken, json: { scim_profile: 'directory' } })).status).toBe(200);
    const token = await createScimToken(server, acme);
    const owner = (await server.services.store.users.get(acme.teamId, acme.ownerId))!;
    const reply = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: owner.handle.toUpperCase() } });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ scimType: 'uniqueness', detail: expect.stringContaining('an account outside the directory') });
    expect(await server.services.store.users.countByTeam(acme.teamId)).toBe(1);
  });

  test("When another team's user holds the userName, then the 409 does not say whose it is", async () => {
    const globex = await createTeam(server, 'Globex');
    const initech = await createTeam(server, 'Initech');
    const token = await createScimToken(server, initech);
    const globexOwner = (await server.services.store.users.get(globex.teamId, globex.ownerId))!;
    const reply = await call(server.url, 'POST', '/scim/v2/Users', {
      token,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: globexOwner.handle, externalId: 'x@initech.test', displayName: 'X' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toContain('already taken on this server');
    expect(reply.body.detail).not.toContain(globexOwner.id);
  });
});
