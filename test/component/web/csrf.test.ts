import { existsSync } from 'node:fs';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

describe('CSRF protection on every page form', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When the sign-in form is posted without its token, then a 403 page explains it and no session is made', async () => {
    const browser = new PageClient(server.url);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { email: acme.email, password: acme.password }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = visibleText(res.html);
    expect(text).toContain('This form has expired or was not sent from a Gatehouse page');
    expect(text).toContain('csrf-token-invalid');
    expect(browser.cookies.has('gh_session')).toBe(false);
  });

  test('When another site posts with no CSRF cookie at all, then it is refused', async () => {
    const attacker = new PageClient(server.url);
    const res = await attacker.post('/admin/login', { email: acme.email, password: acme.password, _csrf: 'forged.value' }, { csrf: false });
    expect(res.status).toBe(403);
  });

  test('When a signed-in admin is tricked into posting a suspend without the token, then nothing changes', async () => {
    const victim = await addPerson(server, acme.teamId, { name: 'Vic Tim' });
    const admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
    const res = await admin.post(`/admin/people/${victim.id}/suspend`, { version: String(victim.version) }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await server.services.store.users.get(acme.teamId, victim.id))!.status).toBe('active');
  });

  test('When a token from before sign-in is replayed inside the session, then it no longer counts: tokens are bound to the session', async () => {
    const browser = new PageClient(server.url);
    await browser.get('/admin/login');
    const anonymousToken = browser.lastCsrf!;
    const victim = await addPerson(server, acme.teamId, { name: 'Bound Token' });
    await browser.post('/admin/login', { email: acme.email, password: acme.password });
    const res = await browser.post(`/admin/people/${victim.id}/suspend`, {}, { csrf: anonymousToken });
    expect(res.status).toBe(403);
    await browser.get('/admin/people');
    const ok = await browser.post(`/admin/people/${victim.id}/suspend`, {});
    expect(ok.status).toBe(303);
  });

  test('When the CSRF cookie is set, then it is HttpOnly and SameSite=Strict', async () => {
    const res = await new PageClient(server.url).get('/admin/login');
    const cookie = res.setCookies.find((c) => c.startsWith('gh_csrf='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
  });

  test('When the server starts, then the CSRF key is created in the store (shared by every instance), not as a file in CERTS_DIR', async () => {
    expect(existsSync(`${server.dataDir}/certs/csrf-secret.key`)).toBe(false);
    const stored = (await server.services.store.secrets.list()).find((s) => s.name === 'csrf-hmac-key');
    expect(server.services.keyWrap.open(stored!.sealedValue, 'secret:csrf-hmac-key').length).toBeGreaterThanOrEqual(32);
  });

  test('When the JSON API is called, then it needs no CSRF token (bearer tokens are not sent by browsers on their own)', async () => {
    const res = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: acme.email, password: acme.password }) });
    expect(res.status).toBe(200);
  });
});
