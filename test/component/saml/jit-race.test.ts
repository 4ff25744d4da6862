import { applyUserPlan } from '../../../src/saml/acs-apply';
import { planUser } from '../../../src/saml/acs-users';
import { SsoRefusal } from '../../../src/saml/sso-refusal';
import type { SamlAssertion } from '../../../src/saml/signed-assertion';
import { createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

jest.setTimeout(180_000);

const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** Just-in-time signup is allowed only while the team has no SCIM token; the rule holds under races. */
describe('JIT signup against concurrent SCIM token creation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '1000' });
  });
  afterAll(() => server.close());

  test('When a token is created between the ACS deciding on a signup and the insert, then the signup is refused and no user is written', async () => {
    const acme = await createTeam(server, 'Acme');
    const idpId = await connectedIdp(server, acme, TestIdp.create({ entityId: 'https://idp.acme.test/metadata' }));
    const { store, audit } = server.services;
    const team = (await store.teams.get(acme.teamId))!;
    const idp = (await store.idps.get(acme.teamId, idpId))!;
    // What validateSamlResponse returns for a signed response (its checks are covered elsewhere).
    const assertion: SamlAssertion = { nameId: 'late@acme.test', nameIdFormat: EMAIL, sessionIndex: null, issuer: idp.entityId, assertionId: '_a1', notOnOrAfter: new Date(Date.now() + 60_000).toISOString(), attributes: {}, inResponseTo: null, audience: 'x' };
    const plan = await planUser(store, team, idp, assertion);
    expect(plan.action).toBe('create');
    // The admin creates a token right now, after the count.
    expect((await call(server.url, 'POST', '/scim/auth-tokens', { token: acme.accessToken, json: { description: 'Okta', password: acme.password } })).status).toBe(200);
    const outcome = await applyUserPlan(store, audit, team, idp, assertion, plan).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SsoRefusal);
    expect((outcome as SsoRefusal).label).toBe('not-provisioned');
    expect(await store.users.findByNameId(acme.teamId, idpId, 'late@acme.test')).toBeNull();
    expect((await store.audit.list({ teamId: acme.teamId, action: 'user.created', limit: 10 })).length).toBe(0);
  });

  test('When signups race a token creation through the server, then every signup either lands before the token or is refused, and none after', async () => {
    const globex = await createTeam(server, 'Globex');
    const idp = TestIdp.create({ entityId: 'https://idp.globex.test/metadata' });
    const idpId = await connectedIdp(server, globex, idp);
    const names = Array.from({ length: 12 }, (_, i) => `racer${i}@globex.test`);
    const [token, ...replies] = await Promise.all([
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => call(server.url, 'POST', '/scim/auth-tokens', { token: globex.accessToken, json: { description: 'Okta', password: globex.password } })),
      ...names.map((nameId) => signInThrough(server, idp, globex.teamId, idpId, { nameId })),
    ]);
    expect(token.status).toBe(200);
    const signedIn = names.filter((_, i) => replies[i]!.session !== null);
    const refused = names.filter((_, i) => labelOf(replies[i]!.location) === 'not-provisioned');
    expect(signedIn.length + refused.length).toBe(names.length);
    for (const nameId of refused) expect(await server.services.store.users.findByNameId(globex.teamId, idpId, nameId)).toBeNull();
    // Exactly the people who got in were created (owner + signups), and from now on nobody new is.
    expect(await server.services.store.users.countByTeam(globex.teamId)).toBe(1 + signedIn.length);
    expect(labelOf((await signInThrough(server, idp, globex.teamId, idpId, { nameId: 'after@globex.test' })).location)).toBe('not-provisioned');
  });
});
