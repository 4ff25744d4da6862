import { createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Races an attacker (or a buggy client) can start on purpose: many parallel requests that each
 * pass a check ("fewer than 8 tokens", "userName is free") before any of them writes.
 */
describe('concurrency: token limit', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When an admin fires 20 token creations at once, then exactly 8 succeed, 12 get token-limit-reached and the team holds 8 tokens', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: `race ${i}`, password: acme.password } })),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(replies.filter((r) => r.status === 403).map((r) => r.body.label)).toEqual(Array(12).fill('token-limit-reached'));
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(8);
    const listed = await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken });
    expect(listed.body.tokens).toHaveLength(8);
    // Every returned secret works, and the secrets are distinct.
    const secrets = replies.filter((r) => r.status === 200).map((r) => r.body.token as string);
    expect(new Set(secrets).size).toBe(8);
  });
});
