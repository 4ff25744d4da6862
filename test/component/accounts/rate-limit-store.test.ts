/**
 * Sign-in limits counted in the store (RATE_LIMIT_STORE=store, the default) through the real server:
 * the window is a row of the store, and the expired-row purge removes it once it has ended.
 */
import { operatorActor } from '../../../src/accounts/audit';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

describe('Sign-in rate limits kept in the store', () => {
  let server: TestServer;
  const email = 'owner@limits.test';
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '2' });
    await server.services.accounts.createTeam({ name: 'Limits', ownerEmail: email, password: 'correct horse battery', actor: operatorActor });
  });
  afterAll(() => server.close());

  const guess = (password: string) => call(server.url, 'POST', '/login?persist=false', { json: { email, password } });

  test('When an attacker uses up the budget, then the window is in the store, and once the sweep finds it ended the account can be tried again', async () => {
    expect((await guess('wrong-1')).status).toBe(403);
    expect((await guess('wrong-2')).status).toBe(403);
    const refused = await guess('correct horse battery');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/"2-in-15min"; r=0/);
    const window = await server.services.store.rateLimits.get(`login-email:email:${email}`, new Date());
    expect(window).toMatchObject({ hits: 3 });

    // The expired-row purge 16 minutes later: the 15-minute window has ended and is swept.
    await server.services.expiredRowPurger.purgeOnce(new Date(Date.now() + 16 * 60_000));
    expect(await server.services.store.rateLimits.get(`login-email:email:${email}`, new Date())).toBeNull();
    expect((await guess('correct horse battery')).status).toBe(200);
  });
});
