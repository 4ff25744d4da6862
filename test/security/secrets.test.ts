import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../src/crypto';
import { createScimToken, createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { SecretTracker } from '../support/security-secrets';
import { startTestServer, type TestServer } from '../support/server';
import { connectedIdp, postToAcs, signInThrough, spOf, startLogin } from '../support/sso';
import { TestIdp } from '../support/test-idp';
import { PageClient, addPerson } from '../component/web/page-client';
import { INVITATIONS_MOUNTED, USERS_MOUNTED, describeIf } from '../support/security-features';

// Real servers and many requests: give noisy two-core CI machines room (idle, each test takes a few seconds).
jest.setTimeout(120_000);

/**
 * Secrets at rest and in logs. One server lives through a representative session (password
 * sign-in, a wrong password, SCIM token minting and use, page sign-in, SAML sign-in); every secret
 * it handled is then looked for in every log line it wrote and in the SQLite files on disk.
 */
describe('secrets never leak into logs or the store', () => {
  let server: TestServer;
  let acme: TestTeam;
  const secrets = new SecretTracker();

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
    acme = await createTeam(server, 'Acme');
    secrets.add('owner password', acme.password);
    secrets.add('access token', acme.accessToken);

    // A wrong password (attackers' guesses are secrets of someone too).
    const wrong = 'Tr0ub4dor&3-guess';
    secrets.add('wrong password', wrong);
    expect((await call(server.url, 'POST', '/login?persist=false', { json: { email: acme.email, password: wrong } })).status).toBe(403);

    const scimToken = await createScimToken(server, acme, 'logged?');
    secrets.add('SCIM token', scimToken);
    // Use it, and send it where it does not belong (a query string, a wrong scheme).
    await call(server.url, 'GET', '/scim/v2/Users', { token: scimToken });
    await call(server.url, 'GET', `/scim/v2/Users?access_token=${scimToken}`);
    await call(server.url, 'GET', '/self', { headers: { authorization: `Basic ${scimToken}` } });
    await call(server.url, 'GET', '/self', { token: scimToken });

    if (USERS_MOUNTED) {
      // RFC 7643 `password` is writeOnly: a SCIM client sending one must never see it stored or logged
      // in plaintext, whether the server accepts, ignores or refuses it (and a bad value echoed in an error).
      const scimPassword = 'Sc1m-user-password-4711';
      secrets.add('SCIM user password', scimPassword);
      const scimHeaders = { 'content-type': 'application/scim+json' };
      const created = await call(server.url, 'POST', '/scim/v2/Users', { token: scimToken, headers: scimHeaders, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pw.user', externalId: 'pw.user@acme.test', displayName: 'Pw User', password: scimPassword } });
      expect(created.status).toBeLessThan(500);
      if (created.status === 201) {
        expect(created.text).not.toContain(scimPassword);
        const patched = await call(server.url, 'PATCH', `/scim/v2/Users/${created.body.id}`, { token: scimToken, headers: scimHeaders, json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'password', value: `${scimPassword}-2` }] } });
        expect(patched.status).toBeLessThan(500);
        expect(patched.text).not.toContain(scimPassword);
      }
      const badPassword = 'Sc1m-bad-password-value-0815';
      secrets.add('SCIM password in a refused request', badPassword);
      await call(server.url, 'POST', '/scim/v2/Users', { token: scimToken, headers: scimHeaders, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pw.user', displayName: 42, password: badPassword } });
      await call(server.url, 'POST', '/scim/v2/Users', { token: scimToken, headers: scimHeaders, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pw.user2', externalId: 'pw.user2@acme.test', password: { value: badPassword } } });
    }

    if (INVITATIONS_MOUNTED) {
      // An invitation link's secret: mailed (the outbox .eml), hashed in the store, never logged, also when the page is opened.
      const invited = await addPerson(server, acme.teamId, { name: 'Invited Iris', status: 'pending', email: 'iris@acme.test' });
      expect((await call(server.url, 'POST', `/users/${invited.id}/invitation`, { token: acme.accessToken })).status).toBe(202);
      const outbox = path.join(server.dataDir, 'outbox');
      // The mail is written after the 202; wait until the link can be read (up to 20 s on a busy machine).
      const readLink = () =>
        (existsSync(outbox) ? readdirSync(outbox) : [])
          .map((f) => readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='))
          .map((m) => /token=([A-Za-z0-9_-]{43})/.exec(m)?.[1])
          .find(Boolean);
      let link = readLink();
      for (let i = 0; i < 200 && !link; i++) {
        await new Promise((r) => setTimeout(r, 100));
        link = readLink();
      }
      expect(link).toBeDefined();
      secrets.add('invitation link secret', link);
      expect((await call(server.url, 'GET', `/invitations/accept?token=${link}`)).status).toBe(200);
    }

    // A token creation with a wrong password: the password in the body must not be logged either.
    const badMint = 'not-the-password-1';
    secrets.add('wrong password on token creation', badMint);
    expect((await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x', password: badMint } })).status).toBe(403);

    const browser = new PageClient(server.url);
    await browser.signIn(acme.email, acme.password);
    secrets.add('page session cookie', browser.cookies.get('gh_session'));
    await browser.get('/admin/people');

    // SAML: a person signs in (JIT is off once a SCIM token exists, so use a second team).
    const globex = await createTeam(server, 'Globex');
    secrets.add('second owner access token', globex.accessToken);
    const idp = TestIdp.create({ entityId: 'https://idp.globex.test/metadata' });
    const idpId = await connectedIdp(server, globex, idp);
    const started = await startLogin(server, idp, globex.teamId, `/sso/initiate-login/${idpId}`);
    const samlResponse = idp.responseBase64({ sp: spOf(server, globex.teamId), inResponseTo: started.request.id, nameId: 'ada@globex.test' });
    secrets.add('SAMLResponse', samlResponse);
    const signedIn = await postToAcs(server, globex.teamId, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
    expect(signedIn.session).not.toBeNull();
    secrets.add('SSO session cookie', signedIn.session);
    const access = await call(server.url, 'POST', '/access', { headers: { cookie: `gh_session=${signedIn.session}` } });
    secrets.add('access token from /access', access.body.access_token);
    // A refused SAMLResponse (replayed) must not be logged either.
    await postToAcs(server, globex.teamId, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
    const refused = await signInThrough(server, idp, globex.teamId, idpId, { nameId: 'eve@globex.test', audience: 'https://elsewhere.test' });
    expect(refused.session).toBeNull();
  });
  afterAll(() => server.close());

  test('When the server logs a whole session at debug level, then no password, token, cookie or SAMLResponse is in any log line', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    expect(server.logs.length).toBeGreaterThan(20);
    const leaks = server.logs.flatMap((line, i) => secrets.foundIn(line).map((name) => `line ${i}: ${name}`));
    expect(leaks).toEqual([]);
  });

  test('When an attacker reads the SQLite files (db and WAL), then no token, cookie or password is in them in plaintext', async () => {
    await server.services.store.ping();
    const hits = secrets.foundInFiles(server.dataDir, /\.db(-wal|-shm|-journal)?$/);
    expect(hits).toEqual([]);
  });

  test('When an attacker reads the tables directly, then tokens are SHA-256 digests and passwords argon2id hashes', () => {
    const db = new Database(path.join(server.dataDir, 'gatehouse.db'), { readonly: true, fileMustExist: true });
    try {
      const tokenHashes = (db.prepare('SELECT secret_hash FROM scim_tokens').all() as { secret_hash: string }[]).map((r) => r.secret_hash);
      expect(tokenHashes.length).toBeGreaterThan(0);
      for (const h of tokenHashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
      const sessionHashes = (db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[]).map((r) => r.token_hash);
      expect(sessionHashes).toContain(sha256Hex(acme.accessToken));
      for (const h of sessionHashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
      const passwordHashes = (db.prepare('SELECT password_hash FROM users WHERE password_hash IS NOT NULL').all() as { password_hash: string }[]).map((r) => r.password_hash);
      expect(passwordHashes.length).toBeGreaterThan(0);
      for (const h of passwordHashes) expect(h).toMatch(/^\$argon2id\$/);
    } finally {
      db.close();
    }
  });
});

const HELMET = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function expectHelmet(headers: Headers, what: string): void {
  for (const [name, value] of Object.entries(HELMET)) expect([what, name, headers.get(name)]).toEqual([what, name, value]);
  expect([what, headers.get('content-security-policy')]).toEqual([what, expect.stringContaining("frame-ancestors 'self'")]);
  expect([what, headers.get('x-powered-by')]).toEqual([what, null]);
}

describe('security headers and cookie flags', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When a browser frames or sniffs any kind of response (API, error, SCIM, page, SAML metadata), then helmet headers forbid it', async () => {
    const scimToken = await createScimToken(server, acme);
    const replies = {
      'GET /self': await call(server.url, 'GET', '/self', { token: acme.accessToken }),
      '404 JSON': await call(server.url, 'GET', '/nope'),
      '401 JSON': await call(server.url, 'GET', '/self'),
      'admin login page': await call(server.url, 'GET', '/admin/login'),
      'enterprise login page': await call(server.url, 'GET', '/login'),
      'SP metadata': await call(server.url, 'GET', `/sso/metadata/${acme.teamId}`),
      'SSO error page': await call(server.url, 'GET', '/sso/error?label=replayed'),
    };
    for (const [what, reply] of Object.entries(replies)) expectHelmet(reply.headers, what);

    // The SCIM API's JSON replies carry the API set: no caching of personal data, no framing at all.
    const scim = {
      'SCIM list': await call(server.url, 'GET', '/scim/v2/Users', { token: scimToken }),
      'SCIM 401': await call(server.url, 'GET', '/scim/v2/Users'),
      'SCIM 404 (old /scim mount)': await call(server.url, 'GET', '/scim/Nope', { token: scimToken }),
      'SCIM discovery': await call(server.url, 'GET', '/scim/v2/ServiceProviderConfig'),
    };
    for (const [what, reply] of Object.entries(scim)) {
      const h = reply.headers;
      expect([what, h.get('cache-control'), h.get('x-content-type-options'), h.get('x-frame-options'), h.get('referrer-policy'), h.get('cross-origin-resource-policy')]).toEqual([what, 'no-store', 'nosniff', 'DENY', 'no-referrer', 'same-origin']);
      expect([what, h.get('content-security-policy')]).toEqual([what, "default-src 'none'; frame-ancestors 'none'"]);
      expect([what, h.get('x-powered-by')]).toEqual([what, null]);
    }
    // Plain http: no HSTS (it would pin a host that has no TLS).
    expect(replies['GET /self'].headers.get('strict-transport-security')).toBeNull();
  });
});

describe('behind TLS (https PUBLIC_URL)', () => {
  let server: TestServer;
  const publicUrl = 'https://gatehouse.test';
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: publicUrl });
  });
  afterAll(() => server.close());

  test('When a network attacker could downgrade to http, then responses carry HSTS and the SSO session cookie is Secure, HttpOnly, SameSite=Lax', async () => {
    const acme = await createTeam(server, 'Tls');
    const res = await call(server.url, 'GET', '/self', { token: acme.accessToken });
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expectHelmet(res.headers, '/self over TLS');
    const scim = await call(server.url, 'GET', '/scim/v2/ServiceProviderConfig');
    expect(scim.headers.get('strict-transport-security')).toBe(res.headers.get('strict-transport-security'));

    const idp = TestIdp.create({ entityId: 'https://idp.tls.test/metadata' });
    const idpId = await connectedIdp(server, acme, idp);
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const sp = { entityId: `${publicUrl}/sso/metadata/${acme.teamId}`, acsUrl: `${publicUrl}/sso/finalize-login/${acme.teamId}` };
    const samlResponse = idp.responseBase64({ sp, inResponseTo: started.request.id, nameId: 'ada@tls.test' });
    const reply = await postToAcs(server, acme.teamId, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
    expect(reply.session).not.toBeNull();
    expect(reply.setCookie).toMatch(/; HttpOnly/i);
    expect(reply.setCookie).toMatch(/; Secure/i);
    expect(reply.setCookie).toMatch(/; SameSite=Lax/i);
  });
});

describe('rate limits', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '3' });
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When an attacker guesses one account password over the API, then the 4th attempt in the window is 429 even with the right password', async () => {
    // createTeam's own sign-in was attempt 1 of 3 for this email.
    for (let i = 0; i < 2; i++) expect((await call(server.url, 'POST', '/login?persist=false', { json: { email: acme.email, password: `guess-${i}-xxxx` } })).status).toBe(403);
    const blocked = await call(server.url, 'POST', '/login?persist=false', { json: { email: acme.email, password: acme.password } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.label).toBe('too-many-logins');
    expect(blocked.headers.get('ratelimit-policy') ?? blocked.headers.get('ratelimit')).toBeTruthy();
  });

  test('When an attacker with a stolen access token mints SCIM tokens in a loop (or probes the password), then after 30 requests a minute it is 429', async () => {
    // Bodies without a password are refused cheaply, but they still count against the limit.
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x' } })).status);
    expect(statuses.slice(0, 30).every((s) => s !== 429)).toBe(true);
    expect(statuses[30]).toBe(429);
    const withPassword = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x', password: acme.password } });
    expect(withPassword.status).toBe(429);
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(0);
  });
});

describeIf(INVITATIONS_MOUNTED)('rate limits: invitation re-send', () => {
  let server: TestServer;
  let acme: TestTeam;
  let globex: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    globex = await createTeam(server, 'Globex');
  });
  afterAll(() => server.close());

  const resend = (team: TestTeam, userId: string) => call(server.url, 'POST', `/users/${userId}/invitation`, { token: team.accessToken });

  test('When an admin mail-bombs one invited person by re-sending in a loop, then the 6th re-send within 15 minutes is 429', async () => {
    const person = await addPerson(server, acme.teamId, { name: 'Invited Ivy', status: 'pending', email: `ivy-${Date.now()}@acme.test` });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await resend(acme, person.id)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  test("When team A's admin hammers re-send on team B's user id, then none is sent and B's admin can still invite their own user (A cannot use up B's limit)", async () => {
    const person = await addPerson(server, globex.teamId, { name: 'Invited Gus', status: 'pending', email: `gus-${Date.now()}@globex.test` });
    for (let i = 0; i < 6; i++) expect([404, 429]).toContain((await resend(acme, person.id)).status);
    expect((await resend(globex, person.id)).status).toBe(202);
  });
});
