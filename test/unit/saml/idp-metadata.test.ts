import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { certificateBody } from '../../../src/saml/certificates';
import { parseIdpMetadata, SamlMetadataError } from '../../../src/saml/idp-metadata';

const dir = path.join(__dirname, '../../fixtures/saml/metadata');
const fixture = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

/** The certificate bodies inside KeyDescriptors of a given use, read with a regex so the test does not share the parser's logic. */
function certsWithUse(xml: string, use: string): string[] {
  const blocks = xml.match(new RegExp(`<(?:md:)?KeyDescriptor use="${use}">[\\s\\S]*?</(?:md:)?KeyDescriptor>`, 'g')) ?? [];
  return blocks.map((b) => certificateBody(/<(?:ds:)?X509Certificate>([\s\S]*?)</.exec(b)![1]!));
}

function refusal(name: string): SamlMetadataError {
  try {
    parseIdpMetadata(fixture(name));
  } catch (err) {
    if (err instanceof SamlMetadataError) return err;
    throw err;
  }
  throw new Error(`${name} was accepted`);
}

describe('IdP metadata from real vendors', () => {
  it('When an admin uploads Entra ID federation metadata, then the SAML IdP role is read and the WS-Fed roles are ignored', () => {
    const md = parseIdpMetadata(fixture('entra-id.xml'));
    expect(md.entityId).toBe('https://sts.windows.net/6f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b/');
    expect(md.signingCerts).toHaveLength(2); // current + next key during rollover
    expect(md.signingCerts[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(md.ssoPostUrl).toBe('https://login.microsoftonline.com/6f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b/saml2');
    expect(md.ssoRedirectUrl).toBe(md.ssoPostUrl);
    expect(md.nameIdFormats).toEqual([]);
    expect(md.wantAuthnRequestsSigned).toBe(false);
    expect(md.warnings).toEqual([]);
  });

  it('When an admin uploads Okta metadata (md:/ds: prefixes), then entity, certificate, both bindings and formats are read', () => {
    const xml = fixture('okta.xml');
    const md = parseIdpMetadata(xml);
    expect(md.entityId).toBe('http://www.okta.com/exk9x2b7qzLmN4aBc5d7');
    expect(md.signingCerts.map(certificateBody)).toEqual(certsWithUse(xml, 'signing'));
    expect(md.ssoPostUrl).toBe('https://acme.okta.com/app/acme_gatehouse_1/exk9x2b7qzLmN4aBc5d7/sso/saml');
    expect(md.ssoRedirectUrl).toBe(md.ssoPostUrl);
    expect(md.nameIdFormats).toEqual([UNSPECIFIED, EMAIL]);
  });

  it('When an admin uploads Google Workspace metadata with a line-wrapped certificate, then the certificate is unwrapped intact', () => {
    const xml = fixture('google-workspace.xml');
    const md = parseIdpMetadata(xml);
    expect(md.entityId).toBe('https://accounts.google.com/o/saml2?idpid=C03xk1n2p');
    expect(md.signingCerts.map(certificateBody)).toEqual(certsWithUse(xml, 'signing'));
    expect(md.ssoRedirectUrl).toBe('https://accounts.google.com/o/saml2/idp?idpid=C03xk1n2p');
    expect(md.nameIdFormats).toEqual([EMAIL]);
  });

  it('When an admin uploads Keycloak metadata wrapped in an EntitiesDescriptor with two rotating keys, then both keys are trusted', () => {
    const md = parseIdpMetadata(fixture('keycloak.xml'));
    expect(md.entityId).toBe('https://keycloak.acme.test/realms/acme');
    expect(md.signingCerts).toHaveLength(2);
    expect(md.ssoPostUrl).toBe('https://keycloak.acme.test/realms/acme/protocol/saml');
    expect(md.wantAuthnRequestsSigned).toBe(true);
    expect(md.nameIdFormats).toHaveLength(4);
  });

  it('When an admin uploads ADFS metadata, then only the IdP signing key is trusted, never its encryption key', () => {
    const xml = fixture('adfs.xml');
    const md = parseIdpMetadata(xml);
    expect(md.entityId).toBe('http://adfs.contoso.test/adfs/services/trust');
    const encryption = certsWithUse(xml, 'encryption')[0];
    expect(md.signingCerts.map(certificateBody)).toEqual([certsWithUse(xml, 'signing')[0]]);
    expect(md.signingCerts.map(certificateBody)).not.toContain(encryption);
    expect(md.ssoPostUrl).toBe('https://adfs.contoso.test/adfs/ls/');
  });

  it('When the metadata arrives as a Buffer with a BOM, then it parses like the string', () => {
    const buffer = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixture('okta.xml'))]);
    expect(parseIdpMetadata(buffer).entityId).toBe('http://www.okta.com/exk9x2b7qzLmN4aBc5d7');
  });
});

describe('broken IdP metadata is refused with a label and a message naming the problem', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['okta-no-signing-certificate.xml', 'signing-certificate-missing', /signing certificate/],
    ['adfs-encryption-certificate-only.xml', 'signing-certificate-missing', /KeyDescriptor use="signing"/],
    ['google-no-sso-service.xml', 'sso-service-missing', /HTTP-POST or HTTP-Redirect/],
    ['keycloak-only-soap-and-artifact-bindings.xml', 'sso-service-missing', /found: .*SOAP/],
    ['adfs-sp-descriptor-only.xml', 'idp-descriptor-missing', /no <IDPSSODescriptor>.*SPSSODescriptor/],
    ['okta-entity-id-missing.xml', 'entity-id-missing', /entityID/],
    ['entra-certificate-garbage.xml', 'certificate-malformed', /not a valid certificate/],
    ['okta-sso-location-javascript.xml', 'sso-url-invalid', /http\(s\).*javascript:/],
    ['google-saml1-only.xml', 'saml2-unsupported', /SAML:2.0:protocol/],
    ['okta-truncated.xml', 'malformed-xml', /not well-formed XML/],
    ['okta-wrong-namespace.xml', 'not-metadata', /expected a SAML 2.0 <EntityDescriptor>/],
    ['google-xxe-doctype.xml', 'doctype-forbidden', /DOCTYPE/],
    ['billion-laughs.xml', 'doctype-forbidden', /DOCTYPE/],
    ['okta-login-page.html', 'not-metadata', /HTML page/],
    ['keycloak-two-idps.xml', 'multiple-idps', /2 identity providers.*realms\/acme.*realms\/other/],
  ];
  it.each(cases)('When an admin uploads %s, then it is refused with %s', (name, label, message) => {
    const err = refusal(path.join('broken', name));
    expect(err.label).toBe(label);
    expect(err.message).toMatch(message);
  });

  it('When the metadata is larger than the limit, then it is refused before parsing', () => {
    const huge = fixture('okta.xml').replace('</md:EntityDescriptor>', `<!-- ${'x'.repeat(1024 * 1024)} --></md:EntityDescriptor>`);
    expect(() => parseIdpMetadata(huge)).toThrow(expect.objectContaining({ label: 'metadata-too-large' }));
  });

  it('When the metadata is empty or not UTF-8, then it is refused', () => {
    expect(() => parseIdpMetadata('  ')).toThrow(expect.objectContaining({ label: 'metadata-empty' }));
    expect(() => parseIdpMetadata(Buffer.from([0x3c, 0xff, 0xfe, 0x3e]))).toThrow(expect.objectContaining({ label: 'malformed-xml' }));
  });

  it('When the metadata validUntil has passed, then it is accepted with a warning', () => {
    const stale = fixture('google-workspace.xml').replace('2031-06-14', '2020-06-14');
    expect(parseIdpMetadata(stale).warnings.join()).toMatch(/validUntil 2020-06-14.* in the past/);
  });
});
