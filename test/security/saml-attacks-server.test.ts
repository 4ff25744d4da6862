import type { User } from '../../src/store/port';
import { createTeam, type TestTeam } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { connectedIdp, labelOf, postToAcs, selfWithSession, signInThrough, spOf, startLogin, type AcsReply } from '../support/sso';
import { TestIdp, type ResponseOptions } from '../support/test-idp';
import { ATTACKER_NAMEID, XSW_VARIANTS, editResponse, ns, onlyChild, wrapSignature } from '../support/test-idp-xsw';

// Real servers and many requests: give noisy two-core CI machines room (idle, each test takes a few seconds).
jest.setTimeout(120_000);

/**
 * The SAML attacks that test/unit/saml/saml-attacks.test.ts proves against the validator alone,
 * here through the real server and with a victim account in the team: each must be refused with
 * its own label, write an `sso.login.refused` audit entry, set no session, and leave every user
 * (the victim included) exactly as it was. (test/component/saml/acs-refusals.test.ts covers the
 * other refusals through the server.)
 */
describe('SAML attacks through the real server, against a team with a victim account', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let otherIdp: TestIdp;
  let idpId: string;
  let victim: User;
  const VICTIM = 'ceo@acme.test';

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    otherIdp = TestIdp.create({ entityId: 'https://idp2.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
    await connectedIdp(server, acme, otherIdp);
    // The victim signs in once (just-in-time), so there is a bound account to take over.
    const first = await signInThrough(server, idp, acme.teamId, idpId, { nameId: VICTIM, attributes: { displayName: 'The CEO' } });
    expect(first.session).not.toBeNull();
    victim = (await server.services.store.users.findByNameId(acme.teamId, idpId, VICTIM))!;
    expect(victim).not.toBeNull();
  });
  afterAll(() => server.close());

  const usersOf = async (): Promise<User[]> => (await server.services.store.users.list(acme.teamId, { startIndex: 1, count: 1000 })).items;
  const refusals = async () => server.services.store.audit.list({ teamId: acme.teamId, action: 'sso.login.refused', limit: 1000 });

  /** Starts a real login, lets `craft` build the SAMLResponse XML for its request id, posts it, and checks the refusal promises. */
  async function attack(craft: (inResponseTo: string) => string): Promise<string | null> {
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const usersBefore = await usersOf();
    const auditBefore = (await refusals()).length;
    const xml = craft(started.request.id);
    const reply = await postToAcs(server, acme.teamId, { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), RelayState: started.relayState }, started.cookie);
    expectRefused(reply);
    expect(await usersOf()).toEqual(usersBefore);
    const after = await refusals();
    expect(after).toHaveLength(auditBefore + 1);
    expect(after[0]!.details).toMatchObject({ label: labelOf(reply.location) });
    expect(await server.services.store.users.findByNameId(acme.teamId, idpId, ATTACKER_NAMEID)).toBeNull();
    return labelOf(reply.location);
  }

  function expectRefused(reply: AcsReply): void {
    expect(reply.status).toBe(303);
    expect(reply.session).toBeNull();
    expect(reply.location).toMatch(/^\/sso\/error\?label=/);
  }

  const signed = (inResponseTo: string, options: Partial<ResponseOptions> = {}) => idp.responseXml({ sp: spOf(server, acme.teamId), inResponseTo, nameId: VICTIM, ...options });

  test.each(XSW_VARIANTS)('When an attacker wraps a victim\'s signed response to carry their own NameID (%s), then it is refused as signature-wrapped and no account changes', async (variant) => {
    const label = await attack((id) => wrapSignature(signed(id, { sign: variant === 'XSW1' || variant === 'XSW2' ? 'both' : 'assertion' }), variant));
    expect(label).toBe('signature-wrapped');
  });

  test("When an attacker edits the NameID of a signed assertion to the victim's, then it is refused as signature-invalid", async () => {
    expect(await attack((id) => signed(id, { nameId: 'intern@acme.test' }).replace('intern@acme.test', VICTIM))).toBe('signature-invalid');
  });

  test('When an attacker removes the DigestMethod from the signature, then it is refused as signature-invalid', async () => {
    const label = await attack((id) =>
      editResponse(signed(id), (response) => {
        const digest = response.getElementsByTagNameNS(ns.DSIG, 'DigestMethod')[0]!;
        digest.parentNode!.removeChild(digest);
      }),
    );
    expect(label).toBe('signature-invalid');
  });

  test('When an attacker removes the SignatureValue, then it is refused', async () => {
    const label = await attack((id) =>
      editResponse(signed(id), (response) => {
        const value = response.getElementsByTagNameNS(ns.DSIG, 'SignatureValue')[0]!;
        while (value.firstChild) value.removeChild(value.firstChild);
      }),
    );
    expect(label).toMatch(/^signature-/);
  });

  test('When the response carries a DOCTYPE with an external entity (XXE file read), then it is refused as doctype-forbidden', async () => {
    expect(await attack((id) => signed(id, { doctype: 'xxe' }))).toBe('doctype-forbidden');
  });

  test('When the assertion is not valid yet (NotBefore beyond the clock skew), then it is refused as assertion-not-yet-valid', async () => {
    const later = new Date(Date.now() + 3600_000);
    expect(await attack((id) => signed(id, { now: later, issueInstant: new Date(), notBefore: later }))).toBe('assertion-not-yet-valid');
  });

  test("When a second connected IdP's entityID is claimed as issuer but the first IdP's key signed it, then it is refused", async () => {
    const label = await attack((id) => signed(id, { issuer: otherIdp.entityId }));
    expect(label).toMatch(/^(signature-untrusted-key|signature-invalid|wrong-issuer)$/);
  });

  test('When the Issuer of an answer to our request names an IdP this team never connected, then it is refused as wrong-issuer', async () => {
    expect(await attack((id) => signed(id, { issuer: 'https://idp.evil.test/metadata' }))).toBe('wrong-issuer');
  });

  test("When a network attacker replays the victim's captured response, then it is refused as replayed and the victim is not changed", async () => {
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const samlResponse = Buffer.from(signed(started.request.id), 'utf8').toString('base64');
    const first = await postToAcs(server, acme.teamId, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
    expect(first.session).not.toBeNull();
    const usersBefore = await usersOf();
    const auditBefore = (await refusals()).length;
    const again = await postToAcs(server, acme.teamId, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
    expectRefused(again);
    expect(labelOf(again.location)).toBe('replayed');
    expect(await usersOf()).toEqual(usersBefore);
    expect(await refusals()).toHaveLength(auditBefore + 1);
  });

  test('When a comment splits the signed NameID (ceo@acme.test<!---->.evil.test), then the person signs in as the full text, never as the victim', async () => {
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const xml = signed(started.request.id, { nameIdXml: `${VICTIM}<!---->.evil.test` });
    const reply = await postToAcs(server, acme.teamId, { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: started.relayState }, started.cookie);
    // Either refused or signed in as someone else; never the victim.
    if (reply.session) {
      const self = await selfWithSession(server, reply.session);
      expect(self.body.id).not.toBe(victim.id);
      expect((await server.services.store.users.get(acme.teamId, self.body.id))!.nameId).toBe(`${VICTIM}.evil.test`);
    }
    expect(await server.services.store.users.get(acme.teamId, victim.id)).toEqual({ ...victim, updatedAt: expect.any(String), version: expect.any(Number) });
  });

  test('When an attacker inserts a comment into a signed NameID after signing, then the full text is read and the victim is not the one signed in', async () => {
    const started = await startLogin(server, idp, acme.teamId, `/sso/initiate-login/${idpId}`);
    const xml = signed(started.request.id, { nameId: `${VICTIM}.evil.test` }).replace(`${VICTIM}.evil.test`, `${VICTIM}<!-- -->.evil.test`);
    const reply = await postToAcs(server, acme.teamId, { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: started.relayState }, started.cookie);
    if (reply.session) expect((await selfWithSession(server, reply.session)).body.id).not.toBe(victim.id);
    const stored = (await server.services.store.users.get(acme.teamId, victim.id))!;
    expect({ nameId: stored.nameId, idpId: stored.idpId, status: stored.status, displayName: stored.displayName }).toEqual({ nameId: victim.nameId, idpId: victim.idpId, status: victim.status, displayName: victim.displayName });
  });

  test("When the victim's assertion is moved into an attacker's unsigned Response around a second, unsigned assertion, then it is refused", async () => {
    const label = await attack((id) =>
      editResponse(signed(id), (response, doc) => {
        const assertion = onlyChild(response, ns.SAML, 'Assertion');
        const evil = assertion.cloneNode(true) as Element;
        for (const sig of Array.from(evil.getElementsByTagNameNS(ns.DSIG, 'Signature'))) sig.parentNode!.removeChild(sig);
        evil.setAttribute('ID', '_evil');
        const nameId = evil.getElementsByTagNameNS(ns.SAML, 'NameID')[0]!;
        while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
        nameId.appendChild(doc.createTextNode(ATTACKER_NAMEID));
        response.insertBefore(evil, assertion);
      }),
    );
    expect(label).toMatch(/^(multiple-assertions|signature-wrapped)$/);
  });
});
