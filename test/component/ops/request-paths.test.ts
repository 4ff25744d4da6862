/** Request logs name the full path; /login's ?persist is read; a browser lost on an unknown URL gets a page. */
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

describe('Request log paths, ?persist and the 404 page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let scimToken: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    scimToken = await createScimToken(server, acme, 'Entra ID');
  });
  afterAll(() => server.close());

  /** The access-log lines for requests carrying this request id. */
  const logged = async (reqId: string) => {
    // The line is written on 'finish', which may come a tick after the client has the response.
    for (let i = 0; i < 50; i++) {
      const lines = server.logs.map((l) => JSON.parse(l) as { msg: string; reqId?: string; path?: string }).filter((l) => l.msg === 'request' && l.reqId === reqId);
      if (lines.length) return lines;
      await new Promise((r) => setTimeout(r, 20));
    }
    return [];
  };

  test('When requests reach mounted routers, then the access log shows the full path, without the query string', async () => {
    const cases: Array<[string, string, string, object]> = [
      ['POST', '/scim/auth-tokens', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'x', password: acme.password } }],
      ['GET', '/scim/v2/Users?filter=userName%20eq%20%22secret.person%22', '/scim/v2/Users', { token: scimToken }],
      ['GET', '/scim/Users/does-not-exist', '/scim/Users/does-not-exist', { token: scimToken }],
      ['GET', '/identity-providers', '/identity-providers', { token: acme.accessToken }],
      ['GET', '/invitations/accept?token=very-secret-invitation', '/invitations/accept', {}],
    ];
    for (const [method, url, path, options] of cases) {
      const reqId = `paths-${Math.random().toString(36).slice(2)}`;
      const res = await call(server.url, method, url, { ...options, headers: { 'x-request-id': reqId } });
      expect(res.status).toBeLessThan(500);
      expect((await logged(reqId)).map((l) => l.path)).toEqual([path]);
    }
    const all = server.logs.join('\n');
    expect(all).not.toContain('secret.person');
    expect(all).not.toContain('very-secret-invitation');
  });

  test('When /login gets ?persist=true, false or nothing, then each answers the same access token shape and no cookie; a typo is a 400 saying what persist accepts', async () => {
    for (const query of ['?persist=false', '?persist=true', '']) {
      const res = await call(server.url, 'POST', `/login${query}`, { json: { email: acme.email, password: acme.password } });
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const typo = await call(server.url, 'POST', '/login?persist=ture', { json: { email: acme.email, password: acme.password } });
    expect(typo.status).toBe(400);
    expect(typo.body).toMatchObject({ label: 'invalid-persist', message: expect.stringContaining('persist must be true or false') });
  });

  test('When a browser asks for an unknown URL, then it gets the 404 page; an API client still gets JSON', async () => {
    const browser = await call(server.url, 'GET', '/no/such/page', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(browser.status).toBe(404);
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.text).toContain('<html');
    expect(browser.text).toContain('Gatehouse');
    for (const accept of [undefined, '*/*', 'application/json']) {
      const api = await call(server.url, 'GET', '/no/such/page', { headers: accept ? { accept } : {} });
      expect({ accept, status: api.status, type: api.headers.get('content-type') }).toEqual({ accept, status: 404, type: expect.stringMatching(/^application\/json/) });
      expect(api.body).toMatchObject({ code: 404, label: 'not-found' });
    }
  });
});
