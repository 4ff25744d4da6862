import { randomUUID } from 'node:crypto';
import { createScimToken, createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { attempt, leakedMarkers, type CredentialKind, type Credentials, type Endpoint } from '../support/security-isolation';
import { startTestServer, type TestServer } from '../support/server';
import { connectedIdp } from '../support/sso';
import { TestIdp } from '../support/test-idp';
import { PageClient, addPerson } from '../component/web/page-client';

/**
 * Team A (the attacker is its admin) against team B's resources, on every team-scoped endpoint,
 * with each of A's credentials. Every cell must be refused (401/403/404, or for a page form a
 * redirect back to A's own page) and no response may carry B's data; afterwards B is unchanged.
 */
describe('cross-team isolation matrix', () => {
  let server: TestServer;
  let a: TestTeam;
  let b: TestTeam;
  let creds: Credentials;
  const tag = randomUUID().slice(0, 8);
  const bIds = { idp: '', token: '', run: '', person: '', aIdp: '' };
  let markers: Record<string, string>;
  let bBefore: unknown;

  /** B's state as B's own admin sees it (plus what only the store shows). */
  async function stateOfB() {
    const idp = await server.services.store.idps.get(b.teamId, bIds.idp);
    const person = await server.services.store.users.get(b.teamId, bIds.person);
    return {
      idp: idp && { handle: idp.handle, entityId: idp.entityId, allowIdpInitiated: idp.allowIdpInitiated, updatedAt: idp.updatedAt },
      tokens: (await server.services.store.scimTokens.list(b.teamId)).map((t) => ({ id: t.id, name: t.name })),
      person: person && { status: person.status, version: person.version },
      users: (await server.services.store.users.list(b.teamId, { startIndex: 1, count: 1000 })).items.map((u) => `${u.id}:${u.version}`).sort(),
      run: await server.services.store.samlTestRuns.get(b.teamId, bIds.run),
      auditByA: (await server.services.store.audit.list({ teamId: b.teamId, actorId: a.ownerId, limit: 100 })).length,
    };
  }

  beforeAll(async () => {
    server = await startTestServer();
    a = await createTeam(server, 'Acme');
    b = await createTeam(server, `Globex${tag}`);
    const bIdp = TestIdp.create({ entityId: `https://idp-${tag}.globex.test/metadata` });
    bIds.idp = await connectedIdp(server, b, bIdp, `?handle=globex${tag}`);
    bIds.aIdp = await connectedIdp(server, a, TestIdp.create({ entityId: 'https://idp.acme.test/metadata' }));
    const bToken = await call(server.url, 'POST', '/scim/auth-tokens', { token: b.accessToken, json: { description: `globex-desc-${tag}`, name: `globex-token-${tag}`, password: b.password } });
    expect(bToken.status).toBe(200);
    bIds.token = bToken.body.info.id;
    const run = await call(server.url, 'POST', `/identity-providers/${bIds.idp}/test`, { token: b.accessToken });
    expect(run.status).toBe(201);
    bIds.run = run.body.id;
    bIds.person = (await addPerson(server, b.teamId, { name: `Gregor Globex${tag}`, email: `gregor-${tag}@globex.test` })).id;

    const browser = new PageClient(server.url);
    expect((await browser.signIn(a.email, a.password)).status).toBe(303);
    creds = { accessToken: a.accessToken, scimToken: await createScimToken(server, a), browser };
    markers = {
      "B's team id": b.teamId,
      "B's team name": `Globex${tag}`,
      "B's owner email": b.email,
      "B's IdP id": bIds.idp,
      "B's IdP entityID": `idp-${tag}.globex.test`,
      "B's IdP handle": `globex${tag}`,
      "B's token id": bIds.token,
      "B's token name": `globex-token-${tag}`,
      "B's token description": `globex-desc-${tag}`,
      "B's test run id": bIds.run,
      "B's person id": bIds.person,
      "B's person name": `Gregor Globex${tag}`,
      "B's person email": `gregor-${tag}@globex.test`,
    };
    bBefore = await stateOfB();
  });
  afterAll(() => server.close());

  const endpoints = (): Endpoint[] => [
    // Identity providers
    { name: "list identity providers (own team only)", method: 'GET', path: '/identity-providers', kind: 'api', ownTeamList: true },
    { name: "read B's identity provider", method: 'GET', path: `/identity-providers/${bIds.idp}`, kind: 'api' },
    { name: "read B's identity provider by handle", method: 'GET', path: `/identity-providers/globex${tag}`, kind: 'api' },
    { name: "read B's raw metadata", method: 'GET', path: `/identity-providers/${bIds.idp}/raw`, kind: 'api' },
    { name: "rename and open B's identity provider to IdP-initiated logins", method: 'PUT', path: `/identity-providers/${bIds.idp}`, body: { handle: 'pwned', allow_idp_initiated: true }, kind: 'api' },
    { name: "delete B's identity provider with its users", method: 'DELETE', path: `/identity-providers/${bIds.idp}?purge=true`, kind: 'api' },
    { name: "replace B's identity provider from team A", method: 'POST', path: `/identity-providers?replaces=${bIds.idp}`, body: { metadata: TestIdp.create({ entityId: `https://evil-${tag}.test/md` }).metadataXml({ ssoUrl: 'https://evil.test/sso' }) }, kind: 'api', alsoRefused: [400] },
    { name: "start a test run on B's identity provider", method: 'POST', path: `/identity-providers/${bIds.idp}/test`, kind: 'api' },
    { name: "read B's test report", method: 'GET', path: `/identity-providers/${bIds.idp}/test/${bIds.run}`, kind: 'api' },
    { name: "read B's test report through A's own IdP", method: 'GET', path: `/identity-providers/${bIds.aIdp}/test/${bIds.run}`, kind: 'api' },
    // SCIM tokens
    { name: 'list SCIM tokens (own team only)', method: 'GET', path: '/scim/auth-tokens', kind: 'api', ownTeamList: true },
    { name: "rename B's SCIM token", method: 'PUT', path: `/scim/auth-tokens/${bIds.token}`, body: { name: 'pwned' }, kind: 'api' },
    { name: "delete B's SCIM token", method: 'DELETE', path: `/scim/auth-tokens?id=${bIds.token}`, kind: 'api' },
    // Account
    { name: 'read the own team', method: 'GET', path: '/team', kind: 'api', ownTeamList: true },
    { name: 'read the own user', method: 'GET', path: '/self', kind: 'api', ownTeamList: true },
    // Pages
    { name: "search B's person on the people page", method: 'GET', path: `/admin/people?q=${encodeURIComponent(`gregor-${tag}@globex.test`)}`, kind: 'page', ownTeamList: true },
    { name: "search B's person by name", method: 'GET', path: `/admin/people?q=Gregor`, kind: 'page', ownTeamList: true },
    { name: 'read the audit log page', method: 'GET', path: '/admin/audit', kind: 'page', ownTeamList: true },
    { name: 'read the provisioning log page', method: 'GET', path: '/admin/provisioning', kind: 'page', ownTeamList: true },
    { name: 'read the SCIM tokens page', method: 'GET', path: '/admin/scim', kind: 'page', ownTeamList: true },
    { name: "suspend B's person", method: 'POST', path: `/admin/people/${bIds.person}/suspend`, kind: 'page' },
    { name: "reinstate B's person", method: 'POST', path: `/admin/people/${bIds.person}/reinstate`, kind: 'page' },
    { name: "rename B's SCIM token on the page", method: 'POST', path: `/admin/scim/tokens/${bIds.token}/rename`, body: { name: 'pwned' }, kind: 'page' },
    { name: "delete B's SCIM token on the page", method: 'POST', path: `/admin/scim/tokens/${bIds.token}/delete`, kind: 'page' },
  ];

  const kinds: CredentialKind[] = ['admin access token', 'SCIM token', 'browser session'];

  test("When team A's admin, SCIM client or browser session aims at team B's resources on every team-scoped endpoint, then each is refused and no response carries B's data", async () => {
    const failures: string[] = [];
    let cells = 0;
    for (const endpoint of endpoints()) {
      for (const kind of kinds) {
        cells += 1;
        const reply = await attempt(server.url, creds, kind, endpoint);
        const leaks = leakedMarkers(reply, endpoint, markers);
        if (leaks.length) failures.push(`${kind} → ${endpoint.name} (${endpoint.method} ${endpoint.path}): ${reply.status} leaks ${leaks.join(', ')}`);
        if (reply.status >= 500) failures.push(`${kind} → ${endpoint.name}: ${reply.status}`);
        if (endpoint.ownTeamList) continue;
        const refused = [401, 403, 404, ...(endpoint.alsoRefused ?? [])].includes(reply.status) || (endpoint.kind === 'page' && reply.status === 303);
        if (!refused) failures.push(`${kind} → ${endpoint.name} (${endpoint.method} ${endpoint.path}): not refused, ${reply.status} ${reply.text.slice(0, 120)}`);
      }
    }
    expect(cells).toBeGreaterThanOrEqual(60);
    expect(failures).toEqual([]);
    expect(await stateOfB()).toEqual(bBefore);
  });

  test("When A's session follows a refused page form, then the flash message it lands on names nothing of B's", async () => {
    await creds.browser.get('/admin/scim');
    const posted = await creds.browser.post(`/admin/scim/tokens/${bIds.token}/rename`, { name: 'pwned' });
    expect(posted.status).toBe(303);
    const landed = await creds.browser.get(posted.location!);
    // Only what A sent (B's token id in the path) may be echoed.
    expect(leakedMarkers({ status: landed.status, text: landed.html, location: null }, { name: '', method: 'POST', path: `/admin/scim/tokens/${bIds.token}/rename`, kind: 'page' }, markers)).toEqual([]);
    expect(await stateOfB()).toEqual(bBefore);
  });

  test("When an attacker guesses B's test-result page by id, then only a random 128-bit id protects it (capability URL)", async () => {
    // The id is a v4 UUID; a made-up one must show nothing.
    const res = await call(server.url, 'GET', `/sso/test-result/${randomUUID()}`);
    expect(res.status).toBeLessThan(500);
    expect(leakedMarkers({ status: res.status, text: res.text, location: null }, { name: '', method: 'GET', path: '', kind: 'page' }, markers)).toEqual([]);
    expect(bIds.run).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
