import { operatorActor } from '../../../src/accounts/audit';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

describe('Admin sign-in and /self', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '5' });
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When an owner logs in as the seed manual shows, then they get a 900 s bearer token and /self names them', async () => {
    const login = await call(server.url, 'POST', '/login?persist=false', { json: { email: acme.email, password: acme.password } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, user: acme.ownerId });
    const self = await call(server.url, 'GET', '/self', { token: login.body.access_token });
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ id: acme.ownerId, team: acme.teamId, email: acme.email, role: 'owner', status: 'active', handle: expect.stringMatching(/^[a-z0-9_.-]+$/) });
  });

  test('When the email is unknown or the password wrong, then both get the same 403', async () => {
    const wrong = await call(server.url, 'POST', '/login', { json: { email: acme.email, password: 'not the password' } });
    const unknown = await call(server.url, 'POST', '/login', { json: { email: 'nobody@nowhere.test', password: 'not the password' } });
    expect(wrong.status).toBe(403);
    expect(unknown.status).toBe(403);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ code: 403, label: 'invalid-credentials', message: expect.any(String) });
  });

  test('When someone guesses passwords for one account, then the 6th attempt is rate-limited with a JSON 429', async () => {
    const { owner } = await server.services.accounts.createTeam({ name: 'Target', ownerEmail: 'target@target.test', password: 'target-password', actor: operatorActor });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(server.url, 'POST', '/login', { json: { email: 'target@target.test', password: `guess-${i}-xx` } });
      statuses.push(r.status);
      if (r.status === 429) expect(r.body).toMatchObject({ code: 429, label: 'too-many-logins' });
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    expect(owner.id).toBeTruthy();
  });

  test('When /self is called without, or with a bad, token, then 401 says how to get one', async () => {
    const none = await call(server.url, 'GET', '/self');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.label).toBe('missing-token');
    const bad = await call(server.url, 'GET', '/self', { token: 'forged-token' });
    expect(bad.status).toBe(401);
    expect(bad.body.label).toBe('invalid-token');
  });

  test('When an admin logs out, then the access token stops working', async () => {
    const login = await call(server.url, 'POST', '/login', { json: { email: acme.email, password: acme.password } });
    expect((await call(server.url, 'POST', '/logout', { token: login.body.access_token })).status).toBe(204);
    expect((await call(server.url, 'GET', '/self', { token: login.body.access_token })).status).toBe(401);
  });

  test('When the body is malformed, of the wrong type or too large, then a clear 4xx JSON error comes back', async () => {
    const malformed = await call(server.url, 'POST', '/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 400, label: 'malformed-json' });
    const wrongType = await call(server.url, 'POST', '/login', { body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.label).toBe('unsupported-media-type');
    const huge = await call(server.url, 'POST', '/login', { json: { email: 'x'.repeat(20_000), password: 'y' } });
    expect(huge.status).toBe(413);
    const missing = await call(server.url, 'POST', '/login', { json: { email: acme.email } });
    expect(missing.status).toBe(400);
    expect(missing.text).not.toMatch(/at .*\.ts/);
  });

  test('When a route does not exist, then 404 JSON names it', async () => {
    const r = await call(server.url, 'GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ code: 404, label: 'not-found', message: 'No route for GET /nope.' });
  });

  test('When the server is up, then /healthz and /readyz answer and helmet headers are set', async () => {
    const health = await call(server.url, 'GET', '/healthz');
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-powered-by')).toBeNull();
    const ready = await call(server.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.store).toBe('sqlite');
  });

  test('When the operator adds an admin with a short password, then the error says the minimum length', async () => {
    await expect(server.services.accounts.addAdmin({ teamId: acme.teamId, email: 'short@acme.test', role: 'admin', password: 'short', actor: operatorActor })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('at least 8') });
  });
});
