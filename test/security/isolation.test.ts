import { randomUUID } from 'node:crypto';
import { createScimToken, createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { attempt, leakedMarkers, type CredentialKind, type Credentials, type Endpoint } from '../support/security-isolation';
import { GROUPS_MOUNTED, INVITATIONS_MOUNTED, USERS_MOUNTED } from '../support/security-features';
import { startTestServer, type TestServer } from '../support/server';
import { connectedIdp } from '../support/sso';
import { TestIdp } from '../support/test-idp';
import { PageClient, addPerson } from '../component/web/page-client';

// Real servers and many requests: give noisy two-core CI machines room (idle, each test takes a few seconds).
jest.setTimeout(120_000);

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
  const bIds = { idp: '', token: '', run: '', person: '', aIdp: '', scimUser: '', group: '', aGroup: '' };
  let markers: Record<string, string>;
  let bBefore: unknown;
  let bScim = '';
  const scimJson = { 'content-type': 'application/scim+json' };

  /** B's state as B's own admin sees it (plus what only the store shows). */
  async function stateOfB() {
    const idp = await server.services.store.idps.get(b.teamId, bIds.idp);
    const person = await server.services.store.users.get(b.teamId, bIds.person);
    return {
      idp: idp && { handle: idp.handle, entityId: idp.entityId, allowIdpInitiated: idp.allowIdpInitiated, updatedAt: idp.updatedAt },
      tokens: (await server.services.store.scimTokens.list(b.teamId)).map((t) => ({ id: t.id, name: t.name })),
      person: person && { status: person.status, version: person.version },
      users: (await server.services.store.users.list(b.teamId, { startIndex: 1, count: 1000 })).items.map((u) => `${u.id}:${u.version}:${u.status}`).sort(),
      group: GROUPS_MOUNTED ? (await call(server.url, 'GET', `/scim/v2/Groups/${bIds.group}`, { token: bScim })).body : null,
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
    bScim = bToken.body.token;
    if (USERS_MOUNTED) {
      const u = await call(server.url, 'POST', '/scim/v2/Users', { token: bScim, headers: scimJson, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `greta.${tag}`, externalId: `greta-${tag}@globex.test`, displayName: `Greta Globex${tag}`, emails: [{ value: `greta-${tag}@globex.test`, type: 'work', primary: true }] } });
      if (u.status !== 201) throw new Error(`B's SCIM user: ${u.status} ${u.text}`);
      bIds.scimUser = u.body.id;
    }
    if (GROUPS_MOUNTED) {
      const g = await call(server.url, 'POST', '/scim/v2/Groups', { token: bScim, headers: scimJson, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Globex Engineers ${tag}`, members: [{ value: bIds.scimUser }] } });
      if (g.status !== 201) throw new Error(`B's group: ${g.status} ${g.text}`);
      bIds.group = g.body.id;
    }
    const run = await call(server.url, 'POST', `/identity-providers/${bIds.idp}/test`, { token: b.accessToken });
    expect(run.status).toBe(201);
    bIds.run = run.body.id;
    bIds.person = (await addPerson(server, b.teamId, { name: `Gregor Globex${tag}`, email: `gregor-${tag}@globex.test` })).id;

    const browser = new PageClient(server.url);
    expect((await browser.signIn(a.email, a.password)).status).toBe(303);
    creds = { accessToken: a.accessToken, scimToken: await createScimToken(server, a), browser };
    if (GROUPS_MOUNTED) {
      const g = await call(server.url, 'POST', '/scim/v2/Groups', { token: creds.scimToken, headers: scimJson, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Acme Team' } });
      if (g.status !== 201) throw new Error(`A's group: ${g.status} ${g.text}`);
      bIds.aGroup = g.body.id;
    }
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
      ...(USERS_MOUNTED ? { "B's SCIM user id": bIds.scimUser, "B's SCIM userName": `greta.${tag}`, "B's SCIM user name": `Greta Globex${tag}`, "B's SCIM user email": `greta-${tag}@globex.test` } : {}),
      ...(GROUPS_MOUNTED ? { "B's group id": bIds.group, "B's group name": `Globex Engineers ${tag}` } : {}),
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
    { name: "require encrypted assertions on B's identity provider (locking B's people out)", method: 'PUT', path: `/identity-providers/${bIds.idp}`, body: { require_encrypted_assertions: true }, kind: 'api' },
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
    { name: "switch B's connection to require encrypted assertions on the SSO page", method: 'POST', path: `/admin/sso/${bIds.idp}/encryption`, body: { require_encrypted_assertions: 'on' }, kind: 'page' },
    { name: "suspend B's person", method: 'POST', path: `/admin/people/${bIds.person}/suspend`, kind: 'page' },
    { name: "reinstate B's person", method: 'POST', path: `/admin/people/${bIds.person}/reinstate`, kind: 'page' },
    { name: "rename B's SCIM token on the page", method: 'POST', path: `/admin/scim/tokens/${bIds.token}/rename`, body: { name: 'pwned' }, kind: 'page' },
    { name: "delete B's SCIM token on the page", method: 'POST', path: `/admin/scim/tokens/${bIds.token}/delete`, kind: 'page' },
    ...(USERS_MOUNTED ? scimUserEndpoints() : []),
    ...(GROUPS_MOUNTED ? scimGroupEndpoints() : []),
    ...(INVITATIONS_MOUNTED ? invitationEndpoints() : []),
  ];

  const PATCH = (ops: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops });
  const ct = 'application/scim+json';
  const scimUserEndpoints = (): Endpoint[] => [
    { name: "read B's SCIM user", method: 'GET', path: `/scim/v2/Users/${bIds.scimUser}`, kind: 'scim' },
    { name: "read B's SCIM user at the /scim alias", method: 'GET', path: `/scim/Users/${bIds.scimUser}`, kind: 'scim' },
    { name: "replace B's SCIM user", method: 'PUT', path: `/scim/v2/Users/${bIds.scimUser}`, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `pwned.${tag}`, externalId: 'pwned@evil.test', displayName: 'Pwned' }, contentType: ct, kind: 'scim' },
    { name: "deactivate B's SCIM user", method: 'PATCH', path: `/scim/v2/Users/${bIds.scimUser}`, body: PATCH([{ op: 'replace', path: 'active', value: false }]), contentType: ct, kind: 'scim' },
    { name: "delete B's SCIM user", method: 'DELETE', path: `/scim/v2/Users/${bIds.scimUser}`, kind: 'scim' },
    { name: "find B's user by filter (own team only)", method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "greta.${tag}" or id eq "${bIds.scimUser}"`)}`, kind: 'scim', ownTeamList: true },
    { name: "find B's users by a catch-all filter (own team only)", method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent('userName pr')}&count=1000`, kind: 'scim', ownTeamList: true },
    { name: "search B's users with POST .search (own team only)", method: 'POST', path: '/scim/v2/Users/.search', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'emails co "globex"' }, contentType: ct, kind: 'scim', ownTeamList: true },
  ];
  const scimGroupEndpoints = (): Endpoint[] => [
    { name: "read B's group", method: 'GET', path: `/scim/v2/Groups/${bIds.group}`, kind: 'scim' },
    { name: "replace B's group", method: 'PUT', path: `/scim/v2/Groups/${bIds.group}`, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'pwned', members: [] }, contentType: ct, kind: 'scim' },
    { name: "empty B's group", method: 'PATCH', path: `/scim/v2/Groups/${bIds.group}`, body: PATCH([{ op: 'remove', path: 'members' }]), contentType: ct, kind: 'scim' },
    { name: "delete B's group", method: 'DELETE', path: `/scim/v2/Groups/${bIds.group}`, kind: 'scim' },
    { name: "list groups (own team only)", method: 'GET', path: `/scim/v2/Groups?filter=${encodeURIComponent('displayName co "Globex"')}`, kind: 'scim', ownTeamList: true },
    { name: "add B's user to A's own group", method: 'PATCH', path: `/scim/v2/Groups/${bIds.aGroup}`, body: PATCH([{ op: 'add', path: 'members', value: [{ value: bIds.scimUser }] }]), contentType: ct, kind: 'scim', alsoRefused: [400] },
    { name: "create a group in A holding B's user", method: 'POST', path: '/scim/v2/Groups', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Stolen ${tag}`, members: [{ value: bIds.scimUser }] }, contentType: ct, kind: 'scim', alsoRefused: [400] },
  ];
  const invitationEndpoints = (): Endpoint[] => [
    { name: "read the invitation of B's person", method: 'GET', path: `/users/${bIds.person}/invitation`, kind: 'api' },
    { name: "re-send an invitation to B's person", method: 'POST', path: `/users/${bIds.person}/invitation`, kind: 'api' },
    ...(USERS_MOUNTED ? [{ name: "re-send an invitation to B's SCIM user", method: 'POST' as const, path: `/users/${bIds.scimUser}/invitation`, kind: 'api' as const }] : []),
    ...(USERS_MOUNTED
      ? [
          { name: "read the email validation of B's SCIM user", method: 'GET' as const, path: `/users/${bIds.scimUser}/email-validation`, kind: 'api' as const },
          { name: "re-send B's SCIM user an email validation", method: 'POST' as const, path: `/users/${bIds.scimUser}/email-validation`, kind: 'api' as const },
          { name: "re-send B's SCIM user an email validation on the people page", method: 'POST' as const, path: `/admin/people/${bIds.scimUser}/email-validation`, kind: 'page' as const },
        ]
      : []),
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
