import { NAMEID_EMAIL, NAMEID_UNSPECIFIED } from '../saml/nameid';
import type { KeyAndCertificate } from '../saml/sp-keys';
import { escapeXml, NS } from '../saml/xml';

/** Where the mock IdP lives on this instance (demo mode only). */
export const MOCK_IDP_PATH = '/demo-idp';

export function mockIdpEntityId(publicUrl: string): string {
  return `${publicUrl}${MOCK_IDP_PATH}/metadata`;
}

export function mockIdpSsoUrl(publicUrl: string): string {
  return `${publicUrl}${MOCK_IDP_PATH}/sso`;
}

/**
 * The mock IdP's SAML metadata: what the demo team's connection is created from, exactly as an
 * admin would upload Entra's or Okta's. Both bindings at one URL (Gatehouse picks HTTP-POST).
 * WantAuthnRequestsSigned is false because the mock IdP does not check the SP's signature: it
 * answers only AuthnRequests whose ACS is on this instance (see readAuthnRequest).
 */
export function mockIdpMetadataXml(publicUrl: string, keys: KeyAndCertificate): string {
  const sso = escapeXml(mockIdpSsoUrl(publicUrl));
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" entityID="${escapeXml(mockIdpEntityId(publicUrl))}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${NS.protocol}">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${NS.dsig}"><ds:X509Data><ds:X509Certificate>${keys.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>${NAMEID_EMAIL}</md:NameIDFormat><md:NameIDFormat>${NAMEID_UNSPECIFIED}</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sso}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}
