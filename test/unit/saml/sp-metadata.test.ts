import { certificateBody } from '../../../src/saml/certificates';
import { buildSpMetadata } from '../../../src/saml/sp-metadata';
import { spAcsUrl, spEntityId } from '../../../src/saml/sp-urls';
import { NS, childElements, descendantElements, parseXmlStrict } from '../../../src/saml/xml';
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';

const team = '3f2b8c1e-7d4a-4e6b-9a0c-5d8e1f2a3b4c';
const cert = createSelfSignedCertificate({ commonName: 'sp-metadata test', bits: 2048 });
const next = createSelfSignedCertificate({ commonName: 'sp-metadata next', bits: 2048 });

describe('SP metadata', () => {
  const xml = buildSpMetadata({ publicUrl: 'https://gatehouse.acme.test/', teamId: team, signingCerts: [cert.certPem] });
  const doc = parseXmlStrict(xml);
  const sp = childElements(doc.documentElement, NS.metadata, 'SPSSODescriptor')[0]!;

  it('When an IdP admin loads our metadata, then entityID is the team metadata URL and the ACS is the team finalize-login URL', () => {
    expect(doc.documentElement.getAttribute('entityID')).toBe(`https://gatehouse.acme.test/sso/metadata/${team}`);
    expect(spEntityId('https://gatehouse.acme.test///', team)).toBe(doc.documentElement.getAttribute('entityID'));
    const acs = childElements(sp, NS.metadata, 'AssertionConsumerService');
    expect(acs).toHaveLength(1);
    expect(acs[0]!.getAttribute('Location')).toBe(`https://gatehouse.acme.test/sso/finalize-login/${team}`);
    expect(acs[0]!.getAttribute('Location')).toBe(spAcsUrl('https://gatehouse.acme.test', team));
    expect(acs[0]!.getAttribute('Binding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
  });

  it('When an IdP reads our requirements, then requests are signed and assertions must be signed', () => {
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    expect(sp.getAttribute('WantAssertionsSigned')).toBe('true');
    expect(sp.getAttribute('protocolSupportEnumeration')).toBe(NS.protocol);
  });

  it('When an IdP reads the NameID formats, then only emailAddress and unspecified are offered', () => {
    expect(childElements(sp, NS.metadata, 'NameIDFormat').map((e) => e.textContent)).toEqual([
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ]);
  });

  it('When an IdP imports our signing certificate, then it is the SP certificate', () => {
    const certs = descendantElements(sp, NS.dsig, 'X509Certificate').map((e) => e.textContent);
    expect(certs).toEqual([certificateBody(cert.certPem)]);
    expect(childElements(sp, NS.metadata, 'KeyDescriptor')[0]!.getAttribute('use')).toBe('signing');
  });

  it('When the SP key is being rotated, then both the current and the next certificate are published', () => {
    const rotating = parseXmlStrict(buildSpMetadata({ publicUrl: 'https://g.test', teamId: team, signingCerts: [cert.certPem, next.certBase64] }));
    expect(descendantElements(rotating, NS.dsig, 'X509Certificate').map((e) => e.textContent)).toEqual([
      certificateBody(cert.certPem),
      next.certBase64,
    ]);
  });

  it('When metadata is built twice, then it is byte-identical (cacheable, no random IDs)', () => {
    expect(buildSpMetadata({ publicUrl: 'https://gatehouse.acme.test/', teamId: team, signingCerts: [cert.certPem] })).toBe(xml);
  });
});
