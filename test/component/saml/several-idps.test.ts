import { createScimToken, createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

jest.setTimeout(120_000);

const userBody = (userName: string, externalId: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId, displayName: userName });
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** With several IdPs, every SCIM token names its IdP, and a user belongs to the IdP of the token that provisioned it. */
describe('a team with several identity providers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('When a token is created without idp in a team with two IdPs, then 400 lists the IdPs; naming one works', async () => {
    const acme = await createTeam(server, 'Acme');
    const okta = await connectedIdp(server, acme, TestIdp.create({ entityId: 'https://okta.acme.test/metadata' }), '?handle=Okta');
    const entra = await connectedIdp(server, acme, TestIdp.create({ entityId: 'https://entra.acme.test/metadata' }), '?handle=Entra');
    const refused = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x', password: acme.password } });
    expect(refused.status).toBe(400);
    expect(refused.body.label).toBe('idp-required');
    expect(refused.body.message).toContain(`${okta} (Okta)`);
    expect(refused.body.message).toContain(`${entra} (Entra)`);
    const bound = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x', password: acme.password, idp: okta } });
    expect(bound.status).toBe(200);
    expect(bound.body.info.idp).toBe(okta);
  });

  test('When a second IdP is connected after an unbound token, then writes through that token answer 403 saying to bind it, and reads still work', async () => {
    const globex = await createTeam(server, 'Globex');
    await connectedIdp(server, globex, TestIdp.create({ entityId: 'https://one.globex.test/metadata' }));
    const unbound = await createScimToken(server, globex, 'Old directory');
    const early = await call(server.url, 'POST', '/scim/v2/Users', { token: unbound, json: userBody('early', 'early@globex.test') });
    expect(early.status).toBe(201);
    await connectedIdp(server, globex, TestIdp.create({ entityId: 'https://two.globex.test/metadata' }));

    const write = await call(server.url, 'POST', '/scim/v2/Users', { token: unbound, json: userBody('late', 'late@globex.test') });
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/names no identity provider.*bind it/);
    expect(await server.services.store.users.findByHandle('late')).toBeNull();
    const patch = await call(server.url, 'PATCH', `/scim/v2/Users/${early.body.id}`, { token: unbound, json: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(patch.status).toBe(403);
    expect((await call(server.url, 'GET', `/scim/v2/Users/${early.body.id}`, { token: unbound })).status).toBe(200);
    expect((await call(server.url, 'POST', '/scim/v2/Users/.search', { token: unbound, json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] } })).status).toBe(200);
  });

  test('When a user was provisioned by a token bound to one IdP, then only that IdP can claim them; an unreserved user is claimed by neither until a bound token writes it', async () => {
    const initech = await createTeam(server, 'Initech');
    const first = TestIdp.create({ entityId: 'https://first.initech.test/metadata' });
    const second = TestIdp.create({ entityId: 'https://second.initech.test/metadata' });
    const firstId = await connectedIdp(server, initech, first);
    const unbound = await createScimToken(server, initech, 'Before the second IdP');
    const early = await call(server.url, 'POST', '/scim/v2/Users', { token: unbound, json: userBody('pat', 'pat@initech.test') });
    expect(early.status).toBe(201);
    const secondId = await connectedIdp(server, initech, second);
    const minted = await call(server.url, 'POST', '/scim/auth-tokens', { token: initech.accessToken, json: { description: 'First', password: initech.password, idp: firstId } });
    const bound = minted.body.token as string;
    const reserved = await call(server.url, 'POST', '/scim/v2/Users', { token: bound, json: userBody('sam', 'sam@initech.test') });
    expect(reserved.status).toBe(201);

    // The other IdP cannot claim the reserved user; its own IdP can.
    expect(labelOf((await signInThrough(server, second, initech.teamId, secondId, { nameId: 'sam@initech.test' })).location)).toBe('bound-to-another-idp');
    const sam = await signInThrough(server, first, initech.teamId, firstId, { nameId: 'sam@initech.test' });
    expect((await selfWithSession(server, sam.session!)).body.id).toBe(reserved.body.id);

    // The unreserved user: neither IdP wins by arriving first…
    expect(labelOf((await signInThrough(server, second, initech.teamId, secondId, { nameId: 'pat@initech.test' })).location)).toBe('idp-not-chosen');
    // …until the bound token writes it, which reserves it for its IdP.
    const touched = await call(server.url, 'PATCH', `/scim/v2/Users/${early.body.id}`, { token: bound, json: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Pat' }] } });
    expect(touched.status).toBe(200);
    expect(labelOf((await signInThrough(server, second, initech.teamId, secondId, { nameId: 'pat@initech.test' })).location)).toBe('bound-to-another-idp');
    const pat = await signInThrough(server, first, initech.teamId, firstId, { nameId: 'pat@initech.test' });
    expect((await selfWithSession(server, pat.session!)).body.id).toBe(early.body.id);
  });
});
