import { randomUUID } from 'node:crypto';
import type { User } from '../../../src/store/port';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { call } from '../../support/http';
import { answer, connectedIdp, labelOf, postToAcs, spOf, startLogin, type AcsReply, type StartedLogin } from '../../support/sso';
import { TestIdp, newId, type ResponseOptions } from '../../support/test-idp';
import { wrapSignature } from '../../support/test-idp-xsw';

const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/**
 * Every refusal of the ACS through the real server: each has its own label in the redirect,
 * writes an audit entry, signs no one in and creates or changes no user.
 */
describe('ACS refusals', () => {
  let server: TestServer;
  let acme: TestTeam;
  let globex: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  const attacker = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    globex = await createTeam(server, 'Globex');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
    await connectedIdp(server, globex, TestIdp.create({ entityId: 'https://idp.globex.test/metadata' }));
  });
  afterAll(() => server.close());

  const usersOf = async (teamId: string): Promise<User[]> => (await server.services.store.users.list(teamId, { startIndex: 1, count: 1000 })).items;
  const refusalsOf = async (teamId: string) => (await server.services.store.audit.list({ teamId, action: 'sso.login.refused', limit: 1000 })).length;
  const login = () => startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);

  /** Runs `attempt` and checks the common promises of a refusal; returns the label. */
  async function refused(attempt: () => Promise<AcsReply>, teamId = acme.teamId): Promise<string | null> {
    const usersBefore = await usersOf(teamId);
    const auditBefore = await refusalsOf(teamId);
    const reply = await attempt();
    expect(reply.status).toBe(303);
    expect(reply.session).toBeNull();
    expect(reply.location).toMatch(/^\/sso\/error\?label=/);
    expect(await usersOf(teamId)).toEqual(usersBefore);
    expect(await refusalsOf(teamId)).toBe(auditBefore + 1);
    return labelOf(reply.location);
  }

  const respond = async (options: Partial<ResponseOptions>, started?: StartedLogin) => answer(server, idp, acme.teamId, started ?? (await login()), { nameId: 'nobody@acme.test', ...options });

  test.each([
    ['a response signed with a key not in the metadata (key in KeyInfo)', { signingKey: attacker.signingKey }, 'signature-untrusted-key'],
    ['an unsigned response', { sign: 'none' }, 'signature-missing'],
    ['a signed response around an unsigned assertion', { sign: 'response' }, 'unsigned-assertion'],
    ['two assertions', { twoAssertions: true }, 'multiple-assertions'],
    ['a DOCTYPE with entities (billion laughs)', { doctype: 'billion-laughs' }, 'doctype-forbidden'],
    ['an expired assertion', { now: new Date(Date.now() - 3600_000) }, 'assertion-expired'],
    ['an audience that is not us', { audience: 'https://other-sp.test' }, 'wrong-audience'],
    ['a Recipient that is not our ACS', { recipient: 'https://other-sp.test/acs' }, 'wrong-recipient'],
    ['a Destination that is not our ACS', { destination: 'https://other-sp.test/acs' }, 'wrong-destination'],
    ['a status that is not Success', { status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', message: 'bad password' } }, 'idp-status-authn-failed'],
    ['a SHA-1 signature', { algorithm: 'sha1' }, 'weak-signature-algorithm'],
  ] as const)('When the IdP posts %s, then it is refused as %s', async (_name, options, label) => {
    expect(await refused(() => respond(options as Partial<ResponseOptions>))).toBe(label);
  });

  test('When a signed response is wrapped (XSW3), then it is refused as signature-wrapped', async () => {
    const started = await login();
    const xml = idp.responseXml({ sp: spOf(server, acme.teamId), inResponseTo: started.request.id, nameId: 'ada@acme.test' });
    const wrapped = Buffer.from(wrapSignature(xml, 'XSW3'), 'utf8').toString('base64');
    expect(await refused(() => postToAcs(server, acme.teamId, { SAMLResponse: wrapped, RelayState: started.relayState }, started.cookie))).toBe('signature-wrapped');
  });

  test.each([
    ['persistent', PERSISTENT],
    ['transient', TRANSIENT],
  ])('When the NameID format is %s, then it is refused and the audit message names the format', async (_name, format) => {
    expect(await refused(() => respond({ nameIdFormat: format, nameId: 'opaque-1234' }))).toBe('nameid-format-unsupported');
    const [entry] = await server.services.store.audit.list({ teamId: acme.teamId, action: 'sso.login.refused', limit: 1 });
    expect(entry!.details.message).toContain(format.slice(format.lastIndexOf(':') + 1));
  });

  test('When the NameID format is refused, then the error page the person lands on names the format that was received', async () => {
    const reply = await respond({ nameIdFormat: PERSISTENT, nameId: 'opaque-5678' });
    expect(reply.location).toBe(`/sso/error?label=nameid-format-unsupported&format=${encodeURIComponent(PERSISTENT)}`);
    const page = await call(server.url, 'GET', reply.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`sent the NameID format <code>${PERSISTENT}</code>`);
  });

  test('When the response answers a request we never sent, then unknown-request', async () => {
    expect(await refused(() => respond({ inResponseTo: newId() }))).toBe('unknown-request');
  });

  test('When a request is answered twice with different assertions, then the second is request-reused', async () => {
    const started = await login();
    const first = await respond({ nameId: 'first@acme.test' }, started);
    expect(first.session).not.toBeNull();
    expect(await refused(() => respond({ nameId: 'first@acme.test' }, started))).toBe('request-reused');
  });

  test('When the stored request has expired, then request-expired', async () => {
    const id = newId();
    const past = new Date(Date.now() - 60_000).toISOString();
    await server.services.store.samlRequests.create({ id, teamId: acme.teamId, idpId, successRedirect: null, errorRedirect: null, testRunId: null, createdAt: past, expiresAt: past, consumedAt: null });
    expect(await refused(() => respond({ inResponseTo: id }, { request: { id } as never, relayState: id, cookie: '' }))).toBe('request-expired');
  });

  test('When the IdP sends an unsolicited response and the connection does not allow it, then unsolicited-response', async () => {
    const samlResponse = idp.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: null, nameId: 'ada@acme.test' });
    expect(await refused(() => postToAcs(server, acme.teamId, { SAMLResponse: samlResponse }))).toBe('unsolicited-response');
  });

  test("When team A's IdP response (made for team A) is posted to team B's ACS, then team B refuses it", async () => {
    const started = await login();
    const forAcme = idp.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: started.request.id, nameId: 'ada@acme.test' });
    expect(await refused(() => postToAcs(server, globex.teamId, { SAMLResponse: forAcme }), globex.teamId)).toBe('unknown-issuer');
    // Even with the RelayState of Acme's attempt, Globex's ACS does not take it.
    expect(await refused(() => postToAcs(server, globex.teamId, { SAMLResponse: forAcme, RelayState: started.relayState }, started.cookie), globex.teamId)).toBe('unknown-issuer');
  });

  test("When team B connected the same IdP and gets a response made for team A, then the destination and audience checks refuse it", async () => {
    const shared = TestIdp.create({ entityId: `https://shared-${randomUUID()}.test/metadata` });
    await connectedIdp(server, acme, shared);
    await connectedIdp(server, globex, shared);
    const forAcme = shared.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: null, nameId: 'ada@acme.test' });
    expect(await refused(() => postToAcs(server, globex.teamId, { SAMLResponse: forAcme }), globex.teamId)).toBe('wrong-destination');
    // Without a Destination to give it away, the signed Audience still names team A.
    const noDestination = shared.responseBase64({ sp: spOf(server, acme.teamId), inResponseTo: null, nameId: 'ada@acme.test', destination: null, recipient: spOf(server, globex.teamId).acsUrl });
    expect(await refused(() => postToAcs(server, globex.teamId, { SAMLResponse: noDestination }), globex.teamId)).toBe('wrong-audience');
  });

  test('When the form carries no SAMLResponse, garbage, or broken base64, then each gets its label', async () => {
    expect(await refused(() => postToAcs(server, acme.teamId, { RelayState: 'x' }))).toBe('response-missing');
    expect(await refused(() => postToAcs(server, acme.teamId, { SAMLResponse: '%%%not base64%%%' }))).toBe('malformed-base64');
    expect(await refused(() => postToAcs(server, acme.teamId, { SAMLResponse: Buffer.from('<not-xml').toString('base64') }))).toBe('malformed-xml');
  });

  test('When the posted form is larger than the limit, then response-too-large', async () => {
    const huge = 'A'.repeat(1024 * 1024 + 10);
    expect(await refused(() => postToAcs(server, acme.teamId, { SAMLResponse: huge }))).toBe('response-too-large');
  });

  test('When the ACS of an unknown team is posted to, then unknown-team is audited without a team', async () => {
    const reply = await postToAcs(server, randomUUID(), { SAMLResponse: 'abc' });
    expect(labelOf(reply.location)).toBe('unknown-team');
  });

  test('When the login named an error_redirect, then the refusal goes there with the label', async () => {
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}?error_redirect=${encodeURIComponent('/app/sso-failed?x=1')}`);
    const reply = await respond({ audience: 'https://other-sp.test' }, started);
    expect(reply.location).toBe('/app/sso-failed?x=1&label=wrong-audience');
  });

  test('When the refusal page is opened, then it shows the label under a strict CSP', async () => {
    const res = await fetch(`${server.url}/sso/error?label=replayed`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('replayed');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });
});
