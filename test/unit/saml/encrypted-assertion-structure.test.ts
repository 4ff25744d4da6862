/** The shape rules around EncryptedAssertion, at the validator: what may sit where, and with which keys. */
import { parseIdpMetadata } from '../../../src/saml/idp-metadata';
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';
import { validateSamlResponse } from '../../../src/saml/validate-response';
import { TestIdp, type ResponseOptions } from '../../support/test-idp';
import { encryptAssertion } from '../../support/test-idp-encryption';

const idp = TestIdp.create({ entityId: 'https://idp.acme.test/saml' });
const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }));
const sp = { entityId: 'https://gatehouse.test/sso/metadata/team-a', acsUrl: 'https://gatehouse.test/sso/finalize-login/team-a' };
const now = new Date('2030-01-15T10:00:00.000Z');
const current = createSelfSignedCertificate({ commonName: 'current', bits: 2048 });
const next = createSelfSignedCertificate({ commonName: 'next', bits: 2048 });
const keyOf = (k: typeof current) => ({ privateKeyPem: k.privateKeyPem, certBase64: k.certBase64, fingerprintSha256: k.fingerprintSha256 });

const xml = (o: Partial<ResponseOptions> = {}) => idp.responseXml({ sp, now, inResponseTo: '_req1', encrypt: { certPem: current.certPem }, ...o });
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const validate = (text: string, keys = [keyOf(current)]) => validateSamlResponse({ samlResponse: b64(text), idp: metadata, sp, now, decryptionKeys: keys });

describe('EncryptedAssertion structure', () => {
  test('When the assertion is encrypted to either of two keys held during a rollover, then it is accepted', async () => {
    for (const cert of [current, next]) {
      const result = await validate(xml({ encrypt: { certPem: cert.certPem } }), [keyOf(current), keyOf(next)]);
      expect(result).toMatchObject({ ok: true, encryption: { certificateFingerprint: cert.fingerprintSha256 } });
    }
  });

  test('When the retired key is no longer held, then an assertion encrypted to it is refused naming its certificate', async () => {
    const result = await validate(xml({ encrypt: { certPem: next.certPem } }));
    expect(result).toMatchObject({ ok: false, label: 'encryption-key-unknown' });
    if (!result.ok) expect(result.message).toContain(next.fingerprintSha256);
  });

  test('When two EncryptedAssertions are sent, then the response is refused as multiple-assertions', async () => {
    const one = encryptAssertion('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>', { certPem: current.certPem });
    const result = await validate(xml({ extraAssertionXml: one }));
    expect(result).toMatchObject({ ok: false, label: 'multiple-assertions' });
  });

  test('When an EncryptedAssertion is hidden inside Extensions beside a plain signed assertion, then it is refused as signature-wrapped', async () => {
    const hidden = encryptAssertion('<x/>', { certPem: current.certPem });
    const text = xml({ encrypt: undefined }).replace('<samlp:Status>', `<samlp:Extensions>${hidden}</samlp:Extensions><samlp:Status>`);
    expect(await validate(text)).toMatchObject({ ok: false, label: 'signature-wrapped' });
  });

  test('When the decrypted content is not an Assertion, then it is the uniform undecryptable refusal', async () => {
    const text = xml({ encrypt: { certPem: current.certPem, plaintext: '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>' } });
    expect(await validate(text)).toMatchObject({ ok: false, label: 'encrypted-assertion-undecryptable' });
  });

  test('When the decrypted assertion carries a DOCTYPE, then it is refused without expanding it', async () => {
    const text = xml({ encrypt: { certPem: current.certPem, algorithm: 'aes256-gcm', plaintext: '<!DOCTYPE a [<!ENTITY x "y">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>' } });
    expect(await validate(text)).toMatchObject({ ok: false, label: 'encrypted-assertion-undecryptable' });
  });

  test('When no decryption key is configured at all, then an encrypted assertion is refused, never an exception', async () => {
    expect(await validate(xml(), [])).toMatchObject({ ok: false, label: 'encryption-key-unknown' });
    expect(await validate(xml({ encrypt: { certPem: current.certPem, includeCert: false } }), [])).toMatchObject({ ok: false, label: 'encrypted-assertion-undecryptable' });
  });
});
