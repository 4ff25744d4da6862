import { randomUUID } from 'node:crypto';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, connectedIdp, connectIdp, selfWithSession, spCertPem, spOf, startLogin, withCookies } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

describe('Starting a sign-in: initiate-login, login codes, settings, redirect targets', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  beforeAll(async () => {
    server = await startTestServer({ REDIRECT_ALLOWLIST: 'https://app.acme.test, https://admin.acme.test:8443', DEFAULT_SSO_CODE: 'sso-00000000-0000-4000-8000-000000000000' });
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
  });
  afterAll(() => server.close());

  const get = (p: string) => fetch(`${server.url}${p}`, { redirect: 'manual' });

  test('When a client probes an IdP with HEAD, then 200 if it exists and 404 otherwise, and nothing is stored', async () => {
    const ok = await fetch(`${server.url}/sso/initiate-login/${idpId}`, { method: 'HEAD' });
    expect(ok.status).toBe(200);
    expect((await fetch(`${server.url}/sso/initiate-login/${randomUUID()}`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${server.url}/sso/initiate-login/not-a-uuid`, { method: 'HEAD' })).status).toBe(404);
  });

  test('When the sign-in page posts the AuthnRequest, then the auto-submit script runs by a per-response CSP nonce and the form may go to the IdP', async () => {
    const first = await get(`/sso/initiate-login/${idpId}`);
    const second = await get(`/sso/initiate-login/${idpId}`);
    const html = await first.text();
    const csp = first.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(csp).toContain('form-action https://idp.test');
    expect(csp).toContain("default-src 'none'");
    expect(second.headers.get('content-security-policy')).not.toContain(nonce!);
    expect(first.headers.get('cache-control')).toBe('no-store');
  });

  test('When the IdP offers only HTTP-Redirect, then initiate answers 302 with a signed request in the URL', async () => {
    const redirectOnly = TestIdp.create({ entityId: `https://redirect.acme.test/${randomUUID()}` });
    const created = await connectIdp(server, acme, redirectOnly, '', { binding: 'redirect' });
    const res = await get(`/sso/initiate-login/${created.body.id}`);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    const parsed = redirectOnly.parseAuthnRequest({ url: location }, await spCertPem(server, acme.teamId));
    expect(parsed).toMatchObject({ binding: 'HTTP-Redirect', acsUrl: spOf(server, acme.teamId).acsUrl });
    expect(parsed.relayState).toBe(parsed.id);
    const reply = await answer(server, redirectOnly, acme.teamId, { request: parsed, relayState: parsed.relayState!, cookie: withCookies('', res.headers) }, { nameId: 'redirect@acme.test' });
    expect(reply.session).not.toBeNull();
  });

  test.each([
    (id: string) => `sso-${id}`,
    (id: string) => id,
    (id: string) => `SSO-${id.toUpperCase()}`,
  ])('When a person opens the login link /sso/start/%#, then the sign-in starts at the IdP', async (code) => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/start/${code(idpId)}`);
    expect(login.request.acsUrl).toBe(spOf(server, acme.teamId).acsUrl);
  });

  test('When the login code is unknown or malformed, then 404 unknown-idp', async () => {
    for (const code of [`sso-${randomUUID()}`, 'sso-nope', 'wire-x']) {
      const res = await get(`/sso/start/${code}`);
      expect(res.status).toBe(404);
    }
    expect((await get(`/sso/initiate-login/${randomUUID()}`)).status).toBe(404);
  });

  test('When the instance has a default code, then /sso/settings returns it', async () => {
    const res = await call(server.url, 'GET', '/sso/settings');
    expect(res.body).toEqual({ default_sso_code: 'sso-00000000-0000-4000-8000-000000000000' });
  });

  test('When the redirect targets are a relative path and an allow-listed origin, then the sign-in ends there', async () => {
    const login = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}?success_redirect=${encodeURIComponent('https://app.acme.test/welcome?from=sso')}&error_redirect=/oops`);
    const reply = await answer(server, idp, acme.teamId, login, { nameId: 'target@acme.test' });
    expect(reply.location).toBe('https://app.acme.test/welcome?from=sso');
    const local = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}?success_redirect=/admin`);
    expect((await answer(server, idp, acme.teamId, local, { nameId: 'target@acme.test' })).location).toBe('/admin');
    const ported = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}?success_redirect=${encodeURIComponent('https://admin.acme.test:8443/x')}`);
    expect((await answer(server, idp, acme.teamId, ported, { nameId: 'target@acme.test' })).location).toBe('https://admin.acme.test:8443/x');
  });

  test.each([
    '//evil.com',
    '/\\evil.com',
    'https://evil.com',
    'https://app.acme.test.evil.com/',
    'https://app.acme.test@evil.com/',
    'http://app.acme.test/',
    'javascript:alert(document.cookie)',
    'data:text/html,hi',
    '/\t/evil.com',
  ])('When a redirect target is %j, then 400 and no request is stored', async (target) => {
    for (const name of ['success_redirect', 'error_redirect']) {
      const res = await get(`/sso/initiate-login/${idpId}?${name}=${encodeURIComponent(target)}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      const body = await res.text();
      expect(body).toContain(name);
    }
  });

  test('When the IdP sends an unsolicited response to a connection that allows it, then the person is signed in once (replay still refused)', async () => {
    const portal = TestIdp.create({ entityId: `https://portal.acme.test/${randomUUID()}` });
    const created = await connectIdp(server, acme, portal, '?allow_idp_initiated=true');
    expect(created.body.allow_idp_initiated).toBe(true);
    const samlResponse = portal.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: null, nameId: 'portal@acme.test' });
    const post = (relayState?: string) =>
      fetch(`${server.url}/sso/finalize-login/${acme.teamId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) }).toString(),
        redirect: 'manual',
      });
    const first = await post('https://evil.com/');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/me'); // an IdP's RelayState is followed only when allowed
    const session = /gh_session=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1];
    expect((await selfWithSession(server, session!)).body.handle).toBe('portal');
    const replay = await post();
    expect(replay.headers.get('location')).toBe('/sso/error?label=replayed');
  });
});
