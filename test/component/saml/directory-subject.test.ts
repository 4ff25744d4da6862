import { randomUUID } from 'node:crypto';
import { applyUserPlan } from '../../../src/saml/acs-apply';
import { planUser } from '../../../src/saml/acs-users';
import { SsoRefusal } from '../../../src/saml/sso-refusal';
import type { SamlAssertion } from '../../../src/saml/signed-assertion';
import { createScimToken, createTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, connectedIdp, labelOf, selfWithSession, signInThrough, startLogin } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** In the directory profile the SAML subject is userName (ignoring A–Z case); the test report says so. */
describe('Directory profile: the NameID is matched to userName', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function directoryTeam(name: string) {
    const team = await createTeam(server, name);
    const idp = TestIdp.create({ entityId: `https://idp.${randomUUID()}.test` });
    const idpId = await connectedIdp(server, team, idp);
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    const token = await createScimToken(server, team);
    const scim = (method: string, path: string, json?: unknown): Promise<Reply> => call(server.url, method, `/scim/v2${path}`, { token, json });
    return { team, idp, idpId, scim };
  }

  test('When the IdP sends the externalId (not the userName) as NameID, then the sign-in is refused: in this profile externalId is opaque', async () => {
    const { team, idp, idpId, scim } = await directoryTeam('Opaque');
    await scim('POST', '/Users', { schemas: [CORE], userName: 'Bob.Smith@Contoso.com', externalId: 'bsmith' });
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'bsmith', nameIdFormat: UNSPECIFIED });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('not-provisioned');
    const [entry] = await server.services.store.audit.list({ teamId: team.teamId, action: 'sso.login.refused', limit: 1 });
    expect(String(entry?.details.message ?? JSON.stringify(entry?.details))).toContain('userName = "bsmith"');
  });

  test('When a strict user from before the switch signs in with its externalId, then it still works: switching never rewrites stored users', async () => {
    const team = await createTeam(server, 'Before');
    const idp = TestIdp.create({ entityId: `https://idp.${randomUUID()}.test` });
    const idpId = await connectedIdp(server, team, idp);
    const token = await createScimToken(server, team);
    const old = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { schemas: [CORE], userName: 'old.timer', displayName: 'Old Timer', externalId: 'old.timer@before.test' } });
    expect(old.status).toBe(201);
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'old.timer@before.test' });
    expect(reply.location).toBe('/me');
    // …and only its exact externalId: the directory's case-insensitive rule is not applied to it.
    const upper = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'OLD.TIMER@before.test' });
    expect(labelOf(upper.location)).toBe('not-provisioned');

    // An unrelated PATCH (suspend, reinstate) keeps the user's own rule: still linked by externalId.
    const patch = (Operations: unknown[]) => call(server.url, 'PATCH', `/scim/v2/Users/${old.body.id}`, { token, json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations } });
    expect((await patch([{ op: 'replace', path: 'active', value: false }])).status).toBe(200);
    expect((await patch([{ op: 'replace', path: 'active', value: true }])).status).toBe(200);
    expect((await server.services.store.users.getAnyTeam(old.body.id))!.userName).toBeNull();
    expect((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'old.timer@before.test' })).location).toBe('/me');

    // A PATCH that renames it applies the team's (directory) rules: the new userName becomes the subject.
    const renamed = await patch([{ op: 'replace', path: 'userName', value: 'Old.Timer@Before.test' }]);
    expect(renamed.body.userName).toBe('Old.Timer@Before.test');
    expect((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'old.timer@before.test' })).location).toBe('/me');
    expect(labelOf((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'somebody@before.test' })).location)).toBe('not-provisioned');
  });

  test('When a directory team switches back to strict, then its directory users can still be suspended by PATCH and keep signing in by userName', async () => {
    const { team, idp, idpId, scim } = await directoryTeam('Back');
    const created = await scim('POST', '/Users', { schemas: [CORE], userName: 'Eve.Adams@Back.test' });
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'strict' } });
    const patch = (Operations: unknown[]) => scim('PATCH', `/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
    expect((await patch([{ op: 'replace', path: 'active', value: 'False' }])).body.active).toBe(false);
    expect((await patch([{ op: 'replace', path: 'active', value: 'True' }])).body.active).toBe(true);
    expect((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'eve.adams@back.test' })).location).toBe('/me');
    // A full replace states the person again under the team's rules: strict says what to fix.
    const put = await scim('PUT', `/Users/${created.body.id}`, { schemas: [CORE], userName: 'Eve.Adams@Back.test' });
    expect(put.status).toBe(400);
    expect(put.body.detail).toContain('capital letters');
  });

  test('When an admin runs the connection test, then the report says the NameID must match userName, and finds the person whatever the case', async () => {
    const { team, idp, idpId, scim } = await directoryTeam('Report');
    const created = await scim('POST', '/Users', { schemas: [CORE], userName: 'Dana.Lee@Contoso.com' });
    const started = await call(server.url, 'POST', `/identity-providers/${idpId}/test`, { token: team.accessToken });
    const login = await startLogin(server, idp, team.teamId, new URL(started.body.url).pathname);
    await answer(server, idp, team.teamId, login, { nameId: 'dana.lee@contoso.com' });
    const report = (await call(server.url, 'GET', `/identity-providers/${idpId}/test/${started.body.id}`, { token: team.accessToken })).body.report;
    expect(report).toMatchObject({ outcome: 'passed', nameid_must_match: 'userName', user: { action: 'bind', id: created.body.id } });
    expect(report.nameid_rule).toContain('SCIM userName');
    expect(report.checks.find((c: { name: string }) => c.name === 'user').reason).toContain('userName (compared ignoring case)');
  });

  test("When two directory users share an externalId equal to a third user's bound NameID, then both are created: on this profile only the userName (the subject actually bound) is unique", async () => {
    const { team, idp, idpId, scim } = await directoryTeam('Shared');
    expect((await scim('POST', '/Users', { schemas: [CORE], userName: 'Ann.Lee@Shared.test', externalId: 'a-1' })).status).toBe(201);
    const signedIn = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'ann.lee@shared.test' });
    expect(signedIn.location).toBe('/me');
    const bound = await server.services.store.users.findByNameId(team.teamId, idpId, 'ann.lee@shared.test');
    expect(bound).not.toBeNull();
    const first = await scim('POST', '/Users', { schemas: [CORE], userName: 'Bo', externalId: 'ann.lee@shared.test' });
    const second = await scim('POST', '/Users', { schemas: [CORE], userName: 'Cy', externalId: 'ann.lee@shared.test' });
    expect([first.status, second.status]).toEqual([201, 201]);
    // Changing an externalId to the bound NameID is no twin either.
    expect((await scim('PATCH', `/Users/${bound!.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'externalId', value: 'ann.lee@shared.test' }] })).status).toBe(200);
    // The bound person still signs in as themselves, and only the bound subject stays unique.
    const again = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'ann.lee@shared.test' });
    expect((await selfWithSession(server, again.session!)).body.id).toBe(bound!.id);
    expect((await scim('POST', '/Users', { schemas: [CORE], userName: 'ANN.LEE@shared.test' })).status).toBe(409);
  });

  test('When a signup loses the race against the first SCIM token on a directory-profile team, then the refusal asks for the userName, not the externalId', async () => {
    const team = await createTeam(server, 'LateJit');
    const idpId = await connectedIdp(server, team, TestIdp.create({ entityId: `https://idp.${randomUUID()}.test` }));
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    const { store, audit } = server.services;
    const stored = (await store.teams.get(team.teamId))!;
    const idp = (await store.idps.get(team.teamId, idpId))!;
    const assertion: SamlAssertion = { nameId: 'late@latejit.test', nameIdFormat: EMAIL, sessionIndex: null, issuer: idp.entityId, assertionId: '_late', notOnOrAfter: new Date(Date.now() + 60_000).toISOString(), attributes: {}, inResponseTo: null, audience: 'x' };
    const plan = await planUser(store, stored, idp, assertion);
    expect(plan.action).toBe('create');
    await createScimToken(server, team);
    const refusal = await applyUserPlan(store, audit, stored, idp, assertion, plan).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SsoRefusal);
    expect((refusal as SsoRefusal).label).toBe('not-provisioned');
    expect((refusal as SsoRefusal).message).toContain('userName = "late@latejit.test"');
    expect((refusal as SsoRefusal).message).not.toContain('externalId');
  });
});
