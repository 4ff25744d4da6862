import { parseIdpMetadata } from '../../../src/saml/idp-metadata';
import { validateSamlResponse, type ValidateSamlResponseInput } from '../../../src/saml/validate-response';
import { TestIdp, type ResponseOptions } from '../../support/test-idp';

const idp = TestIdp.create({ entityId: 'https://idp.acme.test/saml' });
const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }));
const sp = { entityId: 'https://gatehouse.test/sso/metadata/team-a', acsUrl: 'https://gatehouse.test/sso/finalize-login/team-a' };
const now = new Date('2030-01-15T10:00:00.000Z');

function respond(options: Partial<ResponseOptions> = {}): string {
  return idp.responseBase64({ sp, now, inResponseTo: '_req1', ...options });
}

function validate(samlResponse: string, extra: Partial<ValidateSamlResponseInput> = {}) {
  return validateSamlResponse({ samlResponse, idp: metadata, sp, now, ...extra });
}

async function refusal(samlResponse: string, extra: Partial<ValidateSamlResponseInput> = {}) {
  const result = await validate(samlResponse, extra);
  if (result.ok) throw new Error('response was accepted');
  return result;
}

describe('a valid SAML Response', () => {
  it('When the IdP posts a signed assertion for this team, then it is accepted with the exact NameID and every check passed', async () => {
    const result = await validate(
      respond({
        nameId: 'Alice.Smith@Acme.test',
        assertionId: '_assertion42',
        sessionIndex: '_sess9',
        attributes: { givenName: 'Alice', surname: 'Smith', displayName: 'Alice Smith', groups: ['eng', 'ops'] },
      }),
    );
    if (!result.ok) throw new Error(`${result.label}: ${result.message}`);
    expect(result.assertion).toEqual({
      nameId: 'Alice.Smith@Acme.test',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: '_sess9',
      issuer: 'https://idp.acme.test/saml',
      assertionId: '_assertion42',
      notOnOrAfter: '2030-01-15T10:05:00.000Z',
      attributes: { givenName: ['Alice'], surname: ['Smith'], displayName: ['Alice Smith'], groups: ['eng', 'ops'] },
      inResponseTo: '_req1',
      audience: sp.entityId,
    });
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'size', 'base64', 'xml', 'response', 'status', 'response-issuer', 'destination', 'decryption', 'assertion-count',
      'signature-structure', 'signature-present', 'signature-algorithm', 'signature', 'assertion-issuer',
      'subject-confirmation', 'time-window', 'audience', 'nameid', 'nameid-format', 'in-response-to',
    ]);
    expect(result.signingCertFingerprint).toBe(idp.keys.fingerprintSha256);
  });

  it('When both the Response and the Assertion are signed, then it is accepted', async () => {
    const result = await validate(respond({ sign: 'both' }));
    expect(result.ok).toBe(true);
  });

  it("When an attacker edits the signed Response's envelope (its Destination) and leaves the signed assertion alone, then the broken envelope signature refuses it and says so", async () => {
    const xml = idp.responseXml({ sp, now, inResponseTo: '_req1', sign: 'both' }).replace(`Destination="${sp.acsUrl}"`, `Destination="${sp.acsUrl}?x"`);
    expect(xml).toContain('?x"');
    const result = await refusal(Buffer.from(xml).toString('base64'), { sp: { ...sp, acsUrl: `${sp.acsUrl}?x` } });
    expect(result.label).toBe('signature-invalid');
    expect(result.message).toMatch(/Response's own signature does not verify/);
  });

  it('When the NameID has no Format, then it counts as unspecified and is accepted', async () => {
    const result = await validate(respond({ nameIdFormat: null, nameId: 'E12345' }));
    expect(result.ok && result.assertion).toMatchObject({ nameId: 'E12345', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified' });
  });

  it('When the IdP sends an unsolicited (IdP-initiated) response, then it validates with inResponseTo null for the caller to judge', async () => {
    const result = await validate(respond({ inResponseTo: null }));
    expect(result.ok && result.assertion.inResponseTo).toBeNull();
  });

  it('When the IdP line-wraps its base64, then it is still accepted', async () => {
    const wrapped = respond().replace(/.{76}/g, '$&\r\n');
    expect((await validate(wrapped)).ok).toBe(true);
  });

  it('When the IdP clock is 50 s ahead (inside the 60 s skew), then it is accepted; at 90 s it is not yet valid', async () => {
    const ahead = (s: number) => respond({ now: new Date(now.getTime() + s * 1000), notBefore: new Date(now.getTime() + s * 1000) });
    expect((await validate(ahead(50))).ok).toBe(true);
    expect((await refusal(ahead(90))).label).toBe('assertion-not-yet-valid');
  });

  it('When the IdP metadata lists an old and a new certificate, then a response signed by either is accepted', async () => {
    const next = TestIdp.create({ entityId: idp.entityId });
    const both = { entityId: idp.entityId, signingCerts: [...metadata.signingCerts, next.certPem] };
    expect((await validate(next.responseBase64({ sp, now, inResponseTo: '_r' }), { idp: both })).ok).toBe(true);
    expect((await validate(respond(), { idp: both })).ok).toBe(true);
  });
});

describe('responses the IdP got wrong are refused with a label an admin can act on', () => {
  it('When the IdP reports AuthnFailed, then the label is idp-status-authn-failed and the message carries its StatusMessage', async () => {
    const r = await refusal(respond({ status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', message: 'User account is locked' } }));
    expect(r.label).toBe('idp-status-authn-failed');
    expect(r.message).toMatch(/Responder \/ AuthnFailed.*User account is locked/);
  });

  it('When the IdP reports a status code we do not know, then the label is idp-status-failure', async () => {
    const r = await refusal(respond({ status: { code: 'urn:example:weird', message: 'nope' } }));
    expect(r.label).toBe('idp-status-failure');
    expect(r.message).toMatch(/nope/);
  });

  it('When the NameID format is persistent, then it is refused naming the format received and the two allowed', async () => {
    const r = await refusal(respond({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', nameId: 'AAdzZWNyZXQx' }));
    expect(r.label).toBe('nameid-format-unsupported');
    expect(r.message).toContain('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    expect(r.message).toContain('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(r.message).toContain('urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
  });

  it('When the NameID format is transient, then it is refused with nameid-format-unsupported', async () => {
    expect((await refusal(respond({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }))).label).toBe('nameid-format-unsupported');
  });

  it('When the NameID is empty, then it is refused with nameid-missing', async () => {
    expect((await refusal(respond({ nameId: '  ' }))).label).toBe('nameid-missing');
  });

  it('When the encrypted assertion carries no EncryptedKey, then it is refused with encrypted-assertion-malformed', async () => {
    const r = await refusal(respond({ encryptedAssertion: true }));
    expect(r.label).toBe('encrypted-assertion-malformed');
    expect(r.message).toMatch(/names no EncryptionMethod/);
  });

  it('When the IdP still signs with SHA-1, then it is refused unless the connection allows SHA-1', async () => {
    const sha1 = respond({ algorithm: 'sha1' });
    const r = await refusal(sha1);
    expect(r.label).toBe('weak-signature-algorithm');
    expect(r.message).toMatch(/SHA-256/);
    expect((await validate(sha1, { allowSha1: true })).ok).toBe(true);
  });

  it('When the IdP metadata has no usable certificate, then the response is refused with idp-certificate-missing', async () => {
    expect((await refusal(respond(), { idp: { entityId: idp.entityId, signingCerts: ['garbage'] } })).label).toBe('idp-certificate-missing');
  });
});
