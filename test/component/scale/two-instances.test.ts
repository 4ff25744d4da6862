/**
 * Many instances, one truth: two real Gatehouse processes on one store (a SQLite DATA_DIR in WAL
 * mode, or one MongoDB), behind one PUBLIC_URL as a load balancer would put them. Nothing that
 * matters may live in a process or a file: AuthnRequest IDs, the replay cache, sessions and the SP
 * key pair are in the store (CERTS_DIR is only read once, to import an older installation's keys).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toPem } from '../../../src/saml/certificates';
import { call } from '../../support/http';
import { withCookies } from '../../support/sso';
import { parseFormPostHtml, TestIdp } from '../../support/test-idp';
import { runCli, sharedStoreEnv, sharedStoreName, startProcess, type GatehouseProcess } from './processes';

const PUBLIC_URL = 'http://gatehouse.test';

/** Posts the ACS form from the browser holding `cookie` (the login-CSRF binding cookie its start set). */
async function postAcs(base: string, teamId: string, fields: Record<string, string>, cookie: string) {
  const res = await fetch(`${base}/sso/finalize-login/${teamId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  await res.text();
  const setCookie = res.headers.get('set-cookie');
  const location = res.headers.get('location');
  return {
    status: res.status,
    location,
    label: location ? new URL(location, 'http://x').searchParams.get('label') : null,
    session: (setCookie && /gh_session=([^;]+)/.exec(setCookie)?.[1]) || null,
  };
}

describe(`Two Gatehouse processes on ${sharedStoreName}`, () => {
  let dir: string;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let teamId: string;
  let adminToken: string;
  let idp: TestIdp;
  let idpId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-two-'));
    env = { ...sharedStoreEnv(dir), PUBLIC_URL };
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'ada-password-1\n');
    if (created.code !== 0) throw new Error(created.stderr);
    teamId = JSON.parse(created.stdout).team.id;
    // One after the other: the first start creates the SP key pair in the store, the second reads it from there.
    a = await startProcess(env);
    b = await startProcess(env);
    const login = await call(a.url, 'POST', '/login?persist=false', { json: { email: 'ada@acme.test', password: 'ada-password-1' } });
    expect(login.status).toBe(200);
    adminToken = login.body.access_token;
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    const connected = await call(a.url, 'POST', '/identity-providers', {
      token: adminToken,
      body: idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }),
      headers: { 'content-type': 'application/xml' },
    });
    expect(connected.status).toBe(201);
    idpId = connected.body.id;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('When both processes run, then they are distinct processes sharing the SP certificate and the access tokens', async () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    expect(a.url).not.toBe(b.url);
    const [metaA, metaB] = await Promise.all([call(a.url, 'GET', `/sso/metadata/${teamId}`), call(b.url, 'GET', `/sso/metadata/${teamId}`)]);
    expect(metaA.status).toBe(200);
    expect(metaB.text).toBe(metaA.text);
    // An access token minted by A is valid on B (sessions are in the store).
    expect((await call(b.url, 'GET', '/self', { token: adminToken })).body).toMatchObject({ team: teamId, role: 'owner' });
  });

  test('When a login is initiated on A and finished on B, then the person is signed in; the same response replayed on A is refused as replayed', async () => {
    const page = await call(a.url, 'GET', `/sso/initiate-login/${idpId}`);
    expect(page.status).toBe(200);
    const form = parseFormPostHtml(page.text);
    const certBody = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec((await call(b.url, 'GET', `/sso/metadata/${teamId}`)).text)![1]!;
    const request = idp.parseAuthnRequest({ form: form.fields }, toPem(certBody));
    expect(request.acsUrl).toBe(`${PUBLIC_URL}/sso/finalize-login/${teamId}`);

    const samlResponse = idp.responseBase64({
      sp: { entityId: `${PUBLIC_URL}/sso/metadata/${teamId}`, acsUrl: `${PUBLIC_URL}/sso/finalize-login/${teamId}` },
      inResponseTo: request.id,
      nameId: 'grace@acme.test',
      attributes: { displayName: 'Grace Hopper' },
    });
    const onB = await postAcs(b.url, teamId, { SAMLResponse: samlResponse, RelayState: form.fields.RelayState! }, withCookies('', page.headers));
    expect(onB).toMatchObject({ status: 303, location: '/me', label: null });
    expect(onB.session).toBeTruthy();

    // The browser session made by B works on A.
    const access = await call(a.url, 'POST', '/access', { headers: { cookie: `gh_session=${onB.session}` } });
    expect(access.status).toBe(200);
    expect((await call(a.url, 'GET', '/self', { token: access.body.access_token })).body).toMatchObject({ team: teamId, name: 'Grace Hopper', managed_by: 'sso' });

    const replayOnA = await postAcs(a.url, teamId, { SAMLResponse: samlResponse, RelayState: form.fields.RelayState! }, withCookies('', page.headers));
    expect(replayOnA.session).toBeNull();
    expect(replayOnA.label).toBe('replayed');
  });

  test('When one response is posted to both processes at once, then exactly one post signs in', async () => {
    const page = await call(b.url, 'GET', `/sso/initiate-login/${idpId}`);
    const form = parseFormPostHtml(page.text);
    const requestId = /ID="([^"]+)"/.exec(Buffer.from(form.fields.SAMLRequest!, 'base64').toString())![1]!;
    const samlResponse = idp.responseBase64({
      sp: { entityId: `${PUBLIC_URL}/sso/metadata/${teamId}`, acsUrl: `${PUBLIC_URL}/sso/finalize-login/${teamId}` },
      inResponseTo: requestId,
      nameId: 'grace@acme.test',
    });
    const replies = await Promise.all([a, b, a, b, a, b].map((p) => postAcs(p.url, teamId, { SAMLResponse: samlResponse, RelayState: form.fields.RelayState! }, withCookies('', page.headers))));
    expect(replies.filter((r) => r.session)).toHaveLength(1);
    expect(replies.filter((r) => !r.session).every((r) => r.label === 'replayed' || r.label === 'request-reused')).toBe(true);
  });
  test('When SCIM creates users on both processes at once with colliding userNames, then exactly one create per userName wins and the rest get 409', async () => {
    const token = await runCli(['token', 'create', '--team', teamId, '--description', 'scale test', '--json'], env);
    expect(token.code).toBe(0);
    const scimToken = JSON.parse(token.stdout).token as string;
    const names = ['ada.l', 'grace.h', 'alan.t'];
    // Every name posted 6 times, alternating processes, all at once.
    const posts = names.flatMap((name) =>
      Array.from({ length: 6 }, (_, i) =>
        call([a, b][i % 2]!.url, 'POST', '/scim/v2/Users', {
          token: scimToken,
          headers: { 'content-type': 'application/scim+json' },
          json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: name, externalId: `${name}-${i}@acme.test`, displayName: name },
        }).then((r) => ({ name, status: r.status, scimType: r.body?.scimType })),
      ),
    );
    const results = await Promise.all(posts);
    for (const name of names) {
      const mine = results.filter((r) => r.name === name);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
      expect(mine.filter((r) => r.status === 409).map((r) => r.scimType)).toEqual(Array(5).fill('uniqueness'));
    }
    // Both processes see the same three users.
    for (const p of [a, b]) {
      const list = await call(p.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "ada.l" or userName eq "grace.h" or userName eq "alan.t"')}`, { token: scimToken });
      expect(list.status).toBe(200);
      expect(list.body.totalResults).toBe(3);
    }
  });
});
