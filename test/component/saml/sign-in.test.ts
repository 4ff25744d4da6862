import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, connectedIdp, labelOf, postToAcs, selfWithSession, signInThrough, spOf, startLogin } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

describe('SAML sign-in through the real server', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
  });
  afterAll(() => server.close());

  test('When a person signs in through the connected IdP, then the AuthnRequest is signed, the ACS signs them in and the session cookie gives an access token', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    expect(login.request.acsUrl).toBe(`${server.url}/sso/finalize-login/${acme.teamId}`);
    expect(login.request.issuer).toBe(`${server.url}/sso/metadata/${acme.teamId}`);
    expect(login.relayState).toBe(login.request.id);
    const reply = await answer(server, idp, acme.teamId, login, { nameId: 'ada@acme.test', attributes: { displayName: 'Ada Lovelace' } });
    expect(reply.status).toBe(303);
    expect(reply.location).toBe('/me');
    expect(reply.setCookie).toMatch(/HttpOnly/i);
    expect(reply.setCookie).toMatch(/SameSite=Lax/i);
    expect(reply.setCookie).toMatch(/Path=\//);
    const self = await selfWithSession(server, reply.session!);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ team: acme.teamId, name: 'Ada Lovelace', handle: 'ada', role: 'member', status: 'active', managed_by: 'sso' });
  });

  test('When the same person signs in again, then the same user is found by IdP and NameID', async () => {
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'ada@acme.test' });
    expect(reply.status).toBe(303);
    expect((await selfWithSession(server, reply.session!)).body.handle).toBe('ada');
  });

  test('When the response is replayed, then it is refused as replayed', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const first = await answer(server, idp, acme.teamId, login, { nameId: 'ada@acme.test', assertionId: '_fixed-assertion-1' });
    expect(first.status).toBe(303);
    const again = await answer(server, idp, acme.teamId, login, { nameId: 'ada@acme.test', assertionId: '_fixed-assertion-1' });
    expect(labelOf(again.location)).toBe('replayed');
    expect(again.session).toBeNull();
  });

  test('When /access is called without a session cookie, then 403', async () => {
    const res = await call(server.url, 'POST', '/access');
    expect(res.status).toBe(403);
    expect(res.body.label).toBe('invalid-session');
  });
});

describe('SAML sign-in under concurrency', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: 'scrape-secret' });
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
  });
  afterAll(() => server.close());

  test('When one response is posted five times at once, then exactly one post signs in', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const samlResponse = idp.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: login.request.id, nameId: 'race@acme.test' });
    const replies = await Promise.all(Array.from({ length: 5 }, () => postToAcs(server, acme.teamId, { SAMLResponse: samlResponse, RelayState: login.relayState }, login.cookie)));
    expect(replies.filter((r) => r.session)).toHaveLength(1);
    expect(replies.filter((r) => labelOf(r.location) === 'replayed')).toHaveLength(4);
    const metrics = await call(server.url, 'GET', '/metrics', { token: 'scrape-secret' });
    expect(metrics.text).toMatch(/gatehouse_saml_logins_total\{outcome="ok"\} 1/);
    expect(metrics.text).toMatch(/gatehouse_saml_logins_total\{outcome="replayed"\} 4/);
  });

  test('When a new person finishes two sign-ins at once, then both land in the same just-created user', async () => {
    const logins = await Promise.all([0, 1].map(() => startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`)));
    const replies = await Promise.all(logins.map((login) => answer(server, idp, acme.teamId, login, { nameId: 'twice@acme.test' })));
    expect(replies.every((r) => r.session)).toBe(true);
    const ids = await Promise.all(replies.map(async (r) => (await selfWithSession(server, r.session!)).body.id));
    expect(ids[0]).toBe(ids[1]);
    const created = await server.services.store.audit.list({ teamId: acme.teamId, action: 'user.created', limit: 10 });
    expect(created.filter((e) => e.details.nameId === 'twice@acme.test')).toHaveLength(1);
  });
});
