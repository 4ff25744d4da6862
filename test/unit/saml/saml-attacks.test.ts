import { parseIdpMetadata } from '../../../src/saml/idp-metadata';
import { verifyWithNodeSaml } from '../../../src/saml/node-saml-verify';
import { validateSamlResponse, type ValidateSamlResponseInput } from '../../../src/saml/validate-response';
import { TestIdp, type ResponseOptions } from '../../support/test-idp';
import { ATTACKER_NAMEID, XSW_VARIANTS, editResponse, ns, onlyChild, wrapSignature } from '../../support/test-idp-xsw';

/**
 * Each test is one attack on the ACS, named for it. Every one must be refused with its own
 * stable label; where the attack targets signature handling we also show node-saml alone
 * refuses it, so our structural pre-checks are a second wall, not the only one.
 */

const idp = TestIdp.create({ entityId: 'https://idp.acme.test/saml' });
const attacker = TestIdp.create({ entityId: 'https://idp.acme.test/saml' }); // same name, different key
const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }));
const sp = { entityId: 'https://gatehouse.test/sso/metadata/team-a', acsUrl: 'https://gatehouse.test/sso/finalize-login/team-a' };
const now = new Date('2030-01-15T10:00:00.000Z');
const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

function responseXml(options: Partial<ResponseOptions> = {}): string {
  return idp.responseXml({ sp, now, inResponseTo: '_req1', ...options });
}

async function refusal(samlResponse: string, extra: Partial<ValidateSamlResponseInput> = {}) {
  const result = await validateSamlResponse({ samlResponse, idp: metadata, sp, now, ...extra });
  if (result.ok) throw new Error(`accepted with NameID ${result.assertion.nameId}`);
  expect(result.checks.find((c) => !c.passed)).toMatchObject({ label: result.label, reason: result.message });
  return result;
}

function nodeSamlAlone(xml: string) {
  return verifyWithNodeSaml({
    base64: b64(xml),
    idpEntityId: idp.entityId,
    idpCerts: metadata.signingCerts,
    spEntityId: sp.entityId,
    acsUrl: sp.acsUrl,
    clockSkewMs: 60_000,
    nowMs: now.getTime(),
  });
}

describe('XML signature wrapping (XSW1-XSW8)', () => {
  it.each(XSW_VARIANTS)('When an attacker wraps the signed content (%s), then the response is refused with signature-wrapped', async (variant) => {
    // XSW1/2 target a Response signature, the others the Assertion signature.
    const signed = responseXml({ sign: variant === 'XSW1' || variant === 'XSW2' ? 'both' : 'assertion' });
    const wrapped = wrapSignature(signed, variant);
    expect(wrapped).toContain(ATTACKER_NAMEID);
    const r = await refusal(b64(wrapped));
    expect(r.label).toBe('signature-wrapped');
  });

  it.each(XSW_VARIANTS)('When %s reaches node-saml without our pre-checks, then node-saml refuses it too and never returns the attacker', async (variant) => {
    const signed = responseXml({ sign: variant === 'XSW1' || variant === 'XSW2' ? 'both' : 'assertion' });
    const outcome = await nodeSamlAlone(wrapSignature(signed, variant)).then(
      (r) => `accepted ${r.profile.nameID}`,
      (e: Error) => `refused: ${e.message}`,
    );
    expect(outcome).toMatch(/^refused: /);
  });

  it('When the unwrapped original goes through the same helpers, then it is accepted (the fixtures are not broken by construction)', async () => {
    const result = await validateSamlResponse({ samlResponse: b64(responseXml({ sign: 'both' })), idp: metadata, sp, now });
    expect(result.ok).toBe(true);
  });

  it('When a signature references an element other than its parent, then it is refused with signature-wrapped', async () => {
    const xml = editResponse(responseXml(), (response) => {
      const assertion = onlyChild(response, ns.SAML, 'Assertion');
      const reference = assertion.getElementsByTagNameNS(ns.DSIG, 'Reference')[0]!;
      reference.setAttribute('URI', `#${response.getAttribute('ID')}`);
    });
    expect((await refusal(b64(xml))).label).toBe('signature-wrapped');
  });
});

describe('signature attacks', () => {
  it('When an attacker adds a prefixed ID attribute (x:ID) duplicating the signed ID, then it is refused with signature-wrapped', async () => {
    const xml = editResponse(responseXml(), (response) => {
      const assertion = onlyChild(response, ns.SAML, 'Assertion');
      response.setAttributeNS('urn:evil', 'x:ID', assertion.getAttribute('ID')!);
    });
    expect((await refusal(b64(xml))).label).toBe('signature-wrapped');
  });

  it('When the signed Subject carries two NameIDs, then it is refused with nameid-missing', async () => {
    const xml = responseXml({ nameIdXml: 'alice@acme.test</saml:NameID><saml:NameID>admin@acme.test' });
    const r = await refusal(b64(xml));
    expect(r.label).toBe('nameid-missing');
    expect(r.message).toMatch(/2 identifiers/);
  });

  it('When an attacker edits the NameID of a signed assertion, then the response is refused with signature-invalid', async () => {
    const xml = responseXml({ nameId: 'alice@acme.test' }).replace('alice@acme.test', 'admin@acme.test');
    const r = await refusal(b64(xml));
    expect(r.label).toBe('signature-invalid');
    await expect(nodeSamlAlone(xml)).rejects.toThrow(/Invalid signature/);
  });

  it('When an attacker signs with their own key and puts their certificate in KeyInfo, then it is refused: only metadata keys count', async () => {
    const xml = attacker.responseXml({ sp, now, inResponseTo: '_req1', nameId: 'admin@acme.test' });
    expect(xml).toContain('<ds:X509Certificate>');
    const r = await refusal(b64(xml));
    expect(r.label).toBe('signature-untrusted-key');
    expect(r.message).toMatch(/not in this IdP's metadata/);
    await expect(nodeSamlAlone(xml)).rejects.toThrow(/Invalid signature/);
  });

  it('When an attacker signs with their own key and embeds the legitimate certificate in KeyInfo, then it is refused with signature-invalid', async () => {
    const xml = responseXml({ signingKey: { privateKeyPem: attacker.keys.privateKeyPem, certPem: idp.certPem } });
    expect((await refusal(b64(xml))).label).toBe('signature-invalid');
  });

  it('When an attacker signs with their own key and sends no KeyInfo, then it is refused with signature-invalid', async () => {
    const xml = responseXml({ signingKey: attacker.signingKey, keyInfo: false });
    expect((await refusal(b64(xml))).label).toBe('signature-invalid');
  });

  it('When only the Response is signed and the assertion inside it is not, then it is refused with unsigned-assertion', async () => {
    const xml = responseXml({ sign: 'response' });
    expect((await refusal(b64(xml))).label).toBe('unsigned-assertion');
    await expect(nodeSamlAlone(xml)).rejects.toThrow(/Invalid signature/);
  });

  it('When the signature is stripped from the message, then it is refused with signature-missing', async () => {
    const xml = responseXml({ sign: 'none' });
    expect((await refusal(b64(xml))).label).toBe('signature-missing');
    await expect(nodeSamlAlone(xml)).rejects.toThrow(/Invalid signature/);
  });

  it('When the DigestMethod is removed from a signature, then it is refused', async () => {
    const xml = editResponse(responseXml(), (response) => {
      const digest = response.getElementsByTagNameNS(ns.DSIG, 'DigestMethod')[0]!;
      digest.parentNode!.removeChild(digest);
    });
    expect((await refusal(b64(xml))).label).toBe('signature-invalid');
  });
});

describe('NameID comment injection', () => {
  it('When a comment splits the signed NameID (admin@x.com<!---->.evil.com), then the full text is the subject, never the prefix', async () => {
    const xml = responseXml({ nameIdXml: 'admin@x.com<!---->.evil.com' });
    expect(xml).toContain('admin@x.com<!---->.evil.com');
    const result = await validateSamlResponse({ samlResponse: b64(xml), idp: metadata, sp, now });
    if (!result.ok) throw new Error(`${result.label}: ${result.message}`);
    expect(result.assertion.nameId).toBe('admin@x.com.evil.com');
  });

  it('When a comment is inserted into the NameID after signing, then the signature still holds (comments are not signed) and the full text is read', async () => {
    const xml = responseXml({ nameId: 'admin@x.com.evil.com' }).replace('admin@x.com.evil.com', 'admin@x.com<!-- -->.evil.com');
    const result = await validateSamlResponse({ samlResponse: b64(xml), idp: metadata, sp, now });
    expect(result.ok && result.assertion.nameId).toBe('admin@x.com.evil.com');
  });
});

describe('parser attacks and malformed input', () => {
  it('When the Response carries a DOCTYPE with an external entity (XXE), then it is refused with doctype-forbidden', async () => {
    expect((await refusal(b64(responseXml({ doctype: 'xxe' })))).label).toBe('doctype-forbidden');
  });

  it('When the Response carries a billion-laughs entity bomb, then it is refused with doctype-forbidden', async () => {
    expect((await refusal(b64(responseXml({ doctype: 'billion-laughs' })))).label).toBe('doctype-forbidden');
  });

  it('When the body is larger than the limit, then it is refused with response-too-large before decoding', async () => {
    const r = await refusal('A'.repeat(600 * 1024));
    expect(r.label).toBe('response-too-large');
    expect(r.checks).toHaveLength(1);
  });

  it.each([
    ['not base64 at all', 'this is not base64!'],
    ['base64url alphabet', b64(responseXml()).replace(/\+/g, '-').replace(/\//g, '_')],
    ['truncated padding', b64(responseXml()).slice(0, -1)],
    ['empty', ''],
  ])('When the SAMLResponse is %s, then it is refused with malformed-base64', async (_name, body) => {
    expect((await refusal(body)).label).toBe('malformed-base64');
  });

  it('When the XML is truncated, then it is refused with malformed-xml', async () => {
    const xml = responseXml();
    expect((await refusal(b64(xml.slice(0, xml.length / 2)))).label).toBe('malformed-xml');
  });

  it('When the decoded bytes are not UTF-8, then it is refused with malformed-xml', async () => {
    expect((await refusal(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e, 0x00, 0x00, 0x00]).toString('base64'))).label).toBe('malformed-xml');
  });

  it('When the message is a LogoutRequest instead of a Response, then it is refused with not-a-saml-response', async () => {
    const xml = '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" IssueInstant="2030-01-15T10:00:00Z"/>';
    expect((await refusal(b64(xml))).label).toBe('not-a-saml-response');
  });

  it('When the Response carries two signed assertions, then it is refused with multiple-assertions', async () => {
    const xml = responseXml({ twoAssertions: true });
    expect((await refusal(b64(xml))).label).toBe('multiple-assertions');
    await expect(nodeSamlAlone(xml)).rejects.toThrow(/multiple assertions/);
  });

  it('When the Response has Success but no assertion, then it is refused with assertion-missing', async () => {
    const xml = editResponse(responseXml(), (response) => {
      response.removeChild(onlyChild(response, ns.SAML, 'Assertion'));
    });
    expect((await refusal(b64(xml))).label).toBe('assertion-missing');
  });
});

describe('an assertion meant for someone else, or for another time', () => {
  it('When the audience is another SP (or team B of this Gatehouse), then it is refused with wrong-audience', async () => {
    const r = await refusal(b64(responseXml({ audience: 'https://gatehouse.test/sso/metadata/team-b' })));
    expect(r.label).toBe('wrong-audience');
    expect(r.message).toMatch(/team-b.*team-a/);
  });

  it("When team A's valid response is posted to team B's ACS, then it is refused", async () => {
    const teamB = { entityId: 'https://gatehouse.test/sso/metadata/team-b', acsUrl: 'https://gatehouse.test/sso/finalize-login/team-b' };
    const r = await refusal(b64(responseXml()), { sp: teamB });
    expect(['wrong-destination', 'wrong-audience', 'wrong-recipient']).toContain(r.label);
  });

  it('When the assertion has no AudienceRestriction, then it is refused with wrong-audience', async () => {
    expect((await refusal(b64(responseXml({ audience: null })))).label).toBe('wrong-audience');
  });

  it('When the assertion has no Conditions at all, then it is refused with wrong-audience (no crash)', async () => {
    expect((await refusal(b64(responseXml({ omitConditions: true })))).label).toBe('wrong-audience');
  });

  it('When the Recipient is another ACS, then it is refused with wrong-recipient', async () => {
    const r = await refusal(b64(responseXml({ recipient: 'https://evil.test/acs' })));
    expect(r.label).toBe('wrong-recipient');
  });

  it('When the Destination is another ACS, then it is refused with wrong-destination', async () => {
    expect((await refusal(b64(responseXml({ destination: 'https://evil.test/acs' })))).label).toBe('wrong-destination');
  });

  it('When the Response has no Destination, then the signed Recipient still binds it to this ACS and it is accepted', async () => {
    const result = await validateSamlResponse({ samlResponse: b64(responseXml({ destination: null })), idp: metadata, sp, now });
    expect(result.ok).toBe(true);
  });

  it('When the issuer is another IdP, then it is refused with wrong-issuer', async () => {
    expect((await refusal(b64(responseXml({ issuer: 'https://other-idp.test' })))).label).toBe('wrong-issuer');
  });

  it('When only the signed Assertion issuer is wrong (Response issuer absent), then it is refused with wrong-issuer', async () => {
    expect((await refusal(b64(responseXml({ issuer: 'https://other-idp.test', responseIssuer: null })))).label).toBe('wrong-issuer');
  });

  it('When the assertion expired (Conditions NotOnOrAfter beyond the skew), then it is refused with assertion-expired', async () => {
    const old = new Date(now.getTime() - 10 * 60_000);
    const r = await refusal(b64(responseXml({ now: old, notOnOrAfter: new Date(old.getTime() + 5 * 60_000) })));
    expect(r.label).toBe('assertion-expired');
  });

  it('When only the SubjectConfirmationData expired (node-saml skips it without InResponseTo checks), then it is refused with assertion-expired', async () => {
    const r = await refusal(b64(responseXml({ subjectNotOnOrAfter: new Date(now.getTime() - 2 * 60_000) })));
    expect(r.label).toBe('assertion-expired');
    expect(r.message).toMatch(/SubjectConfirmationData/);
  });

  it('When the assertion is not yet valid, then it is refused with assertion-not-yet-valid', async () => {
    const r = await refusal(b64(responseXml({ notBefore: new Date(now.getTime() + 5 * 60_000) })));
    expect(r.label).toBe('assertion-not-yet-valid');
  });

  it('When the Response InResponseTo is swapped after signing, then it is refused with in-response-to-mismatch', async () => {
    const xml = editResponse(responseXml(), (response) => response.setAttribute('InResponseTo', '_someone-elses-request'));
    expect((await refusal(b64(xml))).label).toBe('in-response-to-mismatch');
  });
});

describe('the check list explains a refusal', () => {
  it('When several things are wrong in a validly signed assertion, then every failed check is listed, the first one is the label', async () => {
    const result = await validateSamlResponse({
      samlResponse: b64(responseXml({ audience: 'https://elsewhere.test', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', recipient: 'https://elsewhere.test/acs' })),
      idp: metadata,
      sp,
      now,
    });
    if (result.ok) throw new Error('accepted');
    expect(result.label).toBe('wrong-recipient');
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({ passed: true });
    expect(result.checks.filter((c) => !c.passed).map((c) => c.label)).toEqual(['wrong-recipient', 'wrong-audience', 'nameid-format-unsupported']);
  });
});
