import http from 'node:http';
import { createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';
import { connectIdp, spCertPem } from '../support/sso';
import { TestIdp, parseFormPostHtml } from '../support/test-idp';

// Real servers and many requests: give noisy two-core CI machines room (idle, each test takes a few seconds).
jest.setTimeout(120_000);

const FORGED = { host: 'evil.test', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'http', forwarded: 'host=evil.test;proto=http' };

/** GET with a forged Host header (fetch would replace Host with the real one). */
function forgedGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | undefined }> {
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers: { ...FORGED, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, text, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Headers an anonymous attacker controls: Host and X-Forwarded-* must never steer the URLs the
 * server hands out (metadata, AuthnRequests, login links), and X-Forwarded-For must not reset
 * per-IP rate limits unless the operator trusts a proxy.
 */
describe('forged Host and X-Forwarded-* headers', () => {
  let server: TestServer;
  let acme: TestTeam;
  const publicUrl = 'https://gatehouse.test';
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: publicUrl, TRUST_PROXY: 'false' });
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When an attacker forges Host and X-Forwarded-Host, then SP metadata, AuthnRequests and login links still name PUBLIC_URL only', async () => {
    const metadata = await forgedGet(server.url, `/sso/metadata/${acme.teamId}`);
    expect(metadata.status).toBe(200);
    expect(metadata.text).toContain(`${publicUrl}/sso/finalize-login/${acme.teamId}`);
    expect(metadata.text).not.toContain('evil.test');

    const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    const connected = await connectIdp(server, acme, idp);
    expect(connected.status).toBe(201);
    const view = await forgedGet(server.url, `/identity-providers/${connected.body.id}`, { authorization: `Bearer ${acme.accessToken}` });
    expect(view.status).toBe(200);
    expect(view.text).toContain(`${publicUrl}/sso/`);
    expect(view.text).not.toContain('evil.test');

    const page = await forgedGet(server.url, `/sso/initiate-login/${connected.body.id}`);
    expect(page.status).toBe(200);
    const request = idp.parseAuthnRequest({ form: parseFormPostHtml(page.text).fields }, await spCertPem(server, acme.teamId));
    expect(request.acsUrl).toBe(`${publicUrl}/sso/finalize-login/${acme.teamId}`);
    expect(request.issuer).toBe(`${publicUrl}/sso/metadata/${acme.teamId}`);
    expect(page.text).not.toContain('evil.test');

    // Redirects after sign-in stay relative or on PUBLIC_URL.
    const login = await forgedGet(server.url, '/admin/people');
    expect(login.status).toBe(303);
    expect(login.location ?? '').not.toContain('evil.test');
  });

  test('When an attacker rotates X-Forwarded-For on every token request (no trusted proxy), then the per-IP limit still answers 429 after 30', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const reply = await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x' }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 30)).not.toContain(429);
    expect(statuses[30]).toBe(429);
  });
});
