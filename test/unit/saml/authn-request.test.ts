import { buildAuthnRequest } from '../../../src/saml/authn-request';
import { parseIdpMetadata } from '../../../src/saml/idp-metadata';
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';
import { TestIdp, parseFormPostHtml } from '../../support/test-idp';

const idp = TestIdp.create();
const spKeys = createSelfSignedCertificate({ commonName: 'authn-request test SP', bits: 2048 });
const sp = {
  entityId: 'https://gatehouse.test/sso/metadata/team-1',
  acsUrl: 'https://gatehouse.test/sso/finalize-login/team-1',
  privateKeyPem: spKeys.privateKeyPem,
  certPem: spKeys.certPem,
};
const ssoUrl = 'https://idp.test/sso?tenant=acme';

describe('AuthnRequest', () => {
  it('When the IdP offers HTTP-POST, then the user gets an auto-submitting form with a request signed by the SP key', async () => {
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl, binding: 'both' }));
    const result = await buildAuthnRequest({ idp: metadata, sp, relayState: 'login-123' });
    expect(result.binding).toBe('HTTP-POST');
    const form = parseFormPostHtml(result.html!);
    expect(form.action).toBe(ssoUrl);
    const parsed = idp.parseAuthnRequest({ form: form.fields }, sp.certPem);
    expect(parsed.id).toBe(result.requestId);
    expect(parsed.acsUrl).toBe(sp.acsUrl);
    expect(parsed.issuer).toBe(sp.entityId);
    expect(parsed.destination).toBe(ssoUrl);
    expect(parsed.relayState).toBe('login-123');
    expect(parsed.nameIdPolicyFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
    // HTTP-POST carries plain base64, not DEFLATE.
    expect(Buffer.from(form.fields.SAMLRequest!, 'base64').toString('utf8')).toMatch(/^(<\?xml[^>]*\?>)?<samlp:AuthnRequest /);
    expect(parsed.xml).not.toContain('RequestedAuthnContext');
  });

  it('When the IdP offers only HTTP-Redirect, then the user is sent to a URL whose query signature verifies', async () => {
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl, binding: 'redirect' }));
    const result = await buildAuthnRequest({ idp: metadata, sp, relayState: 'login-456', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', forceAuthn: true });
    expect(result.binding).toBe('HTTP-Redirect');
    expect(result.url!.startsWith('https://idp.test/sso?tenant=acme&')).toBe(true);
    const parsed = idp.parseAuthnRequest({ url: result.url! }, sp.certPem);
    expect(parsed.id).toBe(result.requestId);
    expect(parsed.relayState).toBe('login-456');
    expect(parsed.nameIdPolicyFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(parsed.forceAuthn).toBe(true);
  });

  it('When a request is verified with another certificate, then the test IdP rejects it (the check is real)', async () => {
    const other = createSelfSignedCertificate({ commonName: 'other', bits: 2048 });
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl }));
    const post = await buildAuthnRequest({ idp: metadata, sp, relayState: 'x' });
    expect(() => idp.parseAuthnRequest({ form: parseFormPostHtml(post.html!).fields }, other.certPem)).toThrow(/does not verify/);
    const redirect = await buildAuthnRequest({ idp: { ...metadata, ssoPostUrl: undefined }, sp, relayState: 'x' });
    expect(() => idp.parseAuthnRequest({ url: redirect.url! }, other.certPem)).toThrow(/does not verify/);
  });

  it('When two requests are built, then their IDs differ and are valid xsd:IDs', async () => {
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl }));
    const [a, b] = await Promise.all([buildAuthnRequest({ idp: metadata, sp, relayState: 'a' }), buildAuthnRequest({ idp: metadata, sp, relayState: 'b' })]);
    expect(a.requestId).not.toBe(b.requestId);
    expect(a.requestId).toMatch(/^_[0-9a-f]{40}$/);
  });

  it('When RelayState is not an opaque id (a URL, too long), then building the request fails', async () => {
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl }));
    await expect(buildAuthnRequest({ idp: metadata, sp, relayState: 'https://evil.test/' })).rejects.toThrow(/opaque id/);
    await expect(buildAuthnRequest({ idp: metadata, sp, relayState: 'a'.repeat(81) })).rejects.toThrow(/opaque id/);
  });

  it('When a CSP nonce is given, then the auto-submit script carries it and values are HTML-escaped', async () => {
    const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl: 'https://idp.test/sso?a=1&b="2"' }));
    const { html } = await buildAuthnRequest({ idp: metadata, sp, relayState: 'r', cspNonce: 'n0nce' });
    expect(html).toContain('<script nonce="n0nce">');
    expect(html).toContain('action="https://idp.test/sso?a=1&amp;b=&quot;2&quot;"');
  });
});
