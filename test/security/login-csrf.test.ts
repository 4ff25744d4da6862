import { call } from '../support/http';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { answer, connectedIdp, cookiesSet, labelOf, postToAcs, selfWithSession, spOf, startLogin } from '../support/sso';
import { TestIdp } from '../support/test-idp';

jest.setTimeout(120_000);

/**
 * Login CSRF: an attacker who is a member of the team starts a sign-in in their own browser, signs
 * in at the IdP, and makes a victim's browser post the (valid, signed) response to the ACS, so the
 * victim works inside the attacker's account. Each AuthnRequest is bound to the browser that
 * started it (an HttpOnly cookie holding a keyed hash of the request id), and InResponseTo is read
 * only from signed bytes.
 */
describe('login CSRF through the real server', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  const ATTACKER = 'mallory@acme.test';

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
  });
  afterAll(() => server.close());

  const refusalsFor = async (label: string) =>
    (await server.services.store.audit.list({ teamId: acme.teamId, action: 'sso.login.refused', limit: 1000 })).filter((e) => e.details.label === label);

  test("When an attacker posts the response to their own sign-in into a victim's fresh browser, then it is refused as login-not-started-here and no session is set", async () => {
    const attackerLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    expect(attackerLogin.cookie).toMatch(/^gh_sso_request=/);
    const before = (await refusalsFor('login-not-started-here')).length;
    const victim = await answer(server, idp, acme.teamId, attackerLogin, { nameId: ATTACKER }, '');
    expect(victim.status).toBe(303);
    expect(victim.session).toBeNull();
    expect(labelOf(victim.location)).toBe('login-not-started-here');
    expect(victim.location).toBe(`/sso/error?label=login-not-started-here&idp=${idpId}`);
    expect(await refusalsFor('login-not-started-here')).toHaveLength(before + 1);
    // JIT would have created the attacker's account on a successful sign-in: nothing was written.
    expect(await server.services.store.users.findByNameId(acme.teamId, idpId, ATTACKER)).toBeNull();
  });

  test("When the victim's browser has sign-in cookies of its own, then the attacker's response is still refused", async () => {
    const victimLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const attackerLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const reply = await answer(server, idp, acme.teamId, attackerLogin, { nameId: ATTACKER }, victimLogin.cookie);
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('login-not-started-here');
    // The victim's own sign-in still works from their browser.
    const own = await answer(server, idp, acme.teamId, victimLogin, { nameId: 'victim@acme.test' });
    expect(own.session).not.toBeNull();
    expect((await selfWithSession(server, own.session!)).status).toBe(200);
  });

  test('When an attacker forges the binding cookie (random value of the right shape), then the response is refused', async () => {
    const attackerLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const reply = await answer(server, idp, acme.teamId, attackerLogin, { nameId: ATTACKER }, `gh_sso_request=${'A'.repeat(22)}`);
    expect(labelOf(reply.location)).toBe('login-not-started-here');
    expect(reply.session).toBeNull();
  });

  test('When the browser that started the sign-in posts the answer, then it signs in and the cookie forgets that request', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const reply = await answer(server, idp, acme.teamId, login, { nameId: 'ada@acme.test' });
    expect(reply.session).not.toBeNull();
    expect(reply.cookie).not.toContain('gh_sso_request=');
  });

  test('When one browser starts two sign-ins (two tabs), then each answer signs in from that browser', async () => {
    const first = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const second = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`, first.cookie);
    const secondReply = await answer(server, idp, acme.teamId, second, { nameId: 'tabs@acme.test' });
    expect(secondReply.session).not.toBeNull();
    const firstReply = await answer(server, idp, acme.teamId, first, { nameId: 'tabs@acme.test' }, secondReply.cookie);
    expect(firstReply.session).not.toBeNull();
  });

  test('When the cookie is set, then it is HttpOnly, scoped to /sso/, short-lived and SameSite=Lax on plain http', async () => {
    const page = await call(server.url, 'GET', `/sso/initiate-login/${idpId}`);
    const line = page.headers.getSetCookie().find((c) => c.startsWith('gh_sso_request='))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; Path=\/sso\//);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).not.toMatch(/; Secure/i);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(line)?.[1]);
    expect(maxAge).toBe(server.services.config.samlRequestTtlSeconds);
    // The value is a keyed hash, not the request id itself.
    const requestId = /RelayState" value="([^"]+)"/.exec(page.text)![1]!;
    expect(cookiesSet(page.headers).gh_sso_request).not.toContain(requestId.slice(1));
  });

  test("When only the assertion is signed and the unsigned Response's InResponseTo names a real request, then it is not trusted: the response is unsolicited and refused", async () => {
    const attackerLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    // The IdP signed an unsolicited assertion; the attacker adds InResponseTo to the unsigned envelope.
    const reply = await answer(server, idp, acme.teamId, attackerLogin, { nameId: ATTACKER, inResponseToIn: 'response' });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('unsolicited-response');
  });

  test("When the Response is signed too and an attacker swaps its InResponseTo after signing, then the broken envelope signature refuses it", async () => {
    const attackerLogin = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const other = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const xml = idp
      .responseXml({ sp: spOf(server, acme.teamId), inResponseTo: attackerLogin.request.id, inResponseToIn: 'response', sign: 'both', nameId: ATTACKER })
      .replace(`InResponseTo="${attackerLogin.request.id}"`, `InResponseTo="${other.request.id}"`);
    const reply = await postToAcs(server, acme.teamId, { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: other.relayState }, other.cookie);
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('signature-invalid');
  });

  test('When the Response and assertion are both signed and only the Response carries InResponseTo, then it is trusted and the bound browser signs in', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const reply = await answer(server, idp, acme.teamId, login, { nameId: 'both@acme.test', inResponseToIn: 'response', sign: 'both' });
    expect(reply.session).not.toBeNull();
    const foreign = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const csrf = await answer(server, idp, acme.teamId, foreign, { nameId: ATTACKER, inResponseToIn: 'response', sign: 'both' }, '');
    expect(labelOf(csrf.location)).toBe('login-not-started-here');
  });

  test('When the team allows IdP-initiated sign-in, then an unsolicited response signs in without any cookie (the one flow this defence cannot cover)', async () => {
    const globex = await createTeam(server, 'Globex');
    const globexIdp = TestIdp.create({ entityId: 'https://idp.globex.test/metadata' });
    const globexIdpId = await connectedIdp(server, globex, globexIdp);
    const settings = await call(server.url, 'PUT', `/identity-providers/${globexIdpId}`, { token: globex.accessToken, json: { allow_idp_initiated: true } });
    expect(settings.status).toBe(200);
    const samlResponse = globexIdp.responseBase64({ sp: spOf(server, globex.teamId), inResponseTo: null, nameId: 'portal@globex.test' });
    const reply = await postToAcs(server, globex.teamId, { SAMLResponse: samlResponse });
    expect(reply.session).not.toBeNull();
  });

  test('When a person lands on the refusal page, then it explains the sign-in was started elsewhere and offers to start again with the same IdP', async () => {
    const page = await call(server.url, 'GET', `/sso/error?label=login-not-started-here&idp=${idpId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This sign-in was not started in this browser');
    expect(page.text).toContain(`href="/sso/start/${idpId}"`);
    expect(page.text).toContain('Start again');
  });
});

describe('login CSRF behind TLS (https PUBLIC_URL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: 'https://gatehouse.test' });
  });
  afterAll(() => server.close());

  test("When the IdP's POST is cross-site, then the binding cookie is __Secure-, SameSite=None; Secure so the browser still sends it, and sign-in works", async () => {
    const acme = await createTeam(server, 'Tls');
    const idp = TestIdp.create({ entityId: 'https://idp.tls.test/metadata' });
    const idpId = await connectedIdp(server, acme, idp);
    const page = await call(server.url, 'GET', `/sso/initiate-login/${idpId}`);
    const line = page.headers.getSetCookie().find((c) => c.startsWith('__Secure-gh_sso_request='))!;
    expect(line).toMatch(/; SameSite=None/i);
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; HttpOnly/i);
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const sp = { entityId: `https://gatehouse.test/sso/metadata/${acme.teamId}`, acsUrl: `https://gatehouse.test/sso/finalize-login/${acme.teamId}` };
    const ok = await answer(server, idp, acme.teamId, login, { sp, nameId: 'ada@tls.test' });
    expect(ok.session).not.toBeNull();
    const other = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const csrf = await answer(server, idp, acme.teamId, other, { sp, nameId: 'eve@tls.test' }, '');
    expect(labelOf(csrf.location)).toBe('login-not-started-here');
  });
});
