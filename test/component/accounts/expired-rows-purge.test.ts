/**
 * The server deletes expired rows on its own schedule (PURGE_INTERVAL_SECONDS): expired sessions
 * leave the store, live ones keep working. Through the real server on the real embedded store.
 */
import { operatorActor } from '../../../src/accounts/audit';
import { loadConfig } from '../../../src/config';
import { sha256Hex } from '../../../src/crypto';
import type { Store } from '../../../src/store/port';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

/** Before any session was created: findValid at this instant returns a row whenever it still exists. */
const LONG_AGO = '2000-01-01T00:00:00.000Z';
const stillStored = async (store: Store, secret: string) => (await store.sessions.findValid(sha256Hex(secret), LONG_AGO)) !== null;

async function withOwner(server: TestServer, name: string) {
  const email = `owner@${name.toLowerCase()}.test`;
  const password = 'correct horse battery';
  const { team } = await server.services.accounts.createTeam({ name, ownerEmail: email, password, actor: operatorActor });
  const login = await call(server.url, 'POST', '/login?persist=false', { json: { email, password } });
  expect(login.status).toBe(200);
  return { team, ownerId: login.body.user as string, accessToken: login.body.access_token as string };
}

async function storeExpiredSession(server: TestServer, owner: { team: { id: string }; ownerId: string }, secret: string) {
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  await server.services.store.sessions.create({ tokenHash: sha256Hex(secret), kind: 'session', userId: owner.ownerId, teamId: owner.team.id, createdAt: hourAgo, expiresAt: minuteAgo });
}

describe('Purging expired rows', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('When the purge runs, then an expired session is deleted from the store and a live access token still signs in', async () => {
    const owner = await withOwner(server, 'Purge');
    await storeExpiredSession(server, owner, 'stale-cookie-secret');
    expect(await stillStored(server.services.store, 'stale-cookie-secret')).toBe(true);

    const purged = await server.services.expiredRowPurger.purgeOnce();

    expect(purged.sessions).toBe(1);
    expect(await stillStored(server.services.store, 'stale-cookie-secret')).toBe(false);
    expect(await stillStored(server.services.store, owner.accessToken)).toBe(true);
    expect((await call(server.url, 'GET', '/self', { token: owner.accessToken })).status).toBe(200);
  });

  test('When the purge runs twice (as N instances on one store do), then the second round finds nothing and fails nothing', async () => {
    const owner = await withOwner(server, 'Twice');
    await storeExpiredSession(server, owner, 'stale-twice');
    const [first, second] = await Promise.all([server.services.expiredRowPurger.purgeOnce(), server.services.expiredRowPurger.purgeOnce()]);
    expect(first.sessions + second.sessions).toBe(1);
    expect(await server.services.expiredRowPurger.purgeOnce()).toEqual({ sessions: 0, samlRequests: 0, samlTestRuns: 0, replayCache: 0, rateLimits: 0 });
    expect((await call(server.url, 'GET', '/self', { token: owner.accessToken })).status).toBe(200);
  });
});

describe('The purge schedule', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PURGE_INTERVAL_SECONDS: '1' });
  });
  afterAll(() => server.close());

  test('When PURGE_INTERVAL_SECONDS is 1, then the server deletes an expired session by itself, without being asked', async () => {
    const owner = await withOwner(server, 'Scheduled');
    await storeExpiredSession(server, owner, 'stale-scheduled');
    // Wait for the server's own timer (not a speed target: up to 10 ticks before giving up).
    let stored = true;
    for (let i = 0; i < 40 && stored; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stored = await stillStored(server.services.store, 'stale-scheduled');
    }
    expect(stored).toBe(false);
    expect((await call(server.url, 'GET', '/self', { token: owner.accessToken })).status).toBe(200);
  });
});

describe('PURGE_INTERVAL_SECONDS', () => {
  test('When it is 0 or not a whole number, then the configuration is refused and the variable named', () => {
    expect(() => loadConfig({ PURGE_INTERVAL_SECONDS: '0' })).toThrow(/PURGE_INTERVAL_SECONDS/);
    expect(() => loadConfig({ PURGE_INTERVAL_SECONDS: 'often' })).toThrow(/PURGE_INTERVAL_SECONDS/);
    expect(loadConfig({ PURGE_INTERVAL_SECONDS: '30' }).purgeIntervalSeconds).toBe(30);
  });
});
