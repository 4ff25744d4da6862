import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
// The ACS's own rule (email-shaped externalId ⇒ emailAddress, else unspecified), so a typed NameID never trips it by accident.
import { nameIdFormatFor } from '../saml/acs-users';
import type { KeyAndCertificate } from '../saml/sp-keys';
import { escapeXml, NS } from '../saml/xml';
import type { MockAuthnRequest } from './mock-idp-request';

/**
 * What the mock IdP can answer: a good response, or one that Gatehouse must refuse for a reason an
 * evaluator should see explained (error page, test-connection report).
 */
export const RESPONSE_KINDS = ['ok', 'wrong-format', 'expired'] as const;
export type MockResponseKind = (typeof RESPONSE_KINDS)[number];

/** A NameID format Gatehouse does not accept (only emailAddress and unspecified). */
export const WRONG_NAMEID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
/** How far in the past the "expired" answer's validity window ended: far beyond any clock skew setting (max 600 s). */
const EXPIRED_BY_MS = 15 * 60_000;
const VALIDITY_MS = 5 * 60_000;

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface MockResponseInput {
  kind: MockResponseKind;
  nameId: string;
  request: MockAuthnRequest;
  idpEntityId: string;
  keys: KeyAndCertificate;
  attributes: Record<string, string>;
  now?: Date;
}

const newId = () => `_${randomBytes(20).toString('hex')}`;

/**
 * A SAML Response answering `request`, its assertion signed with the mock IdP's key (RSA-SHA256,
 * exclusive c14n, certificate in KeyInfo) by xml-crypto, as Entra ID and Okta do by default.
 * Returns the XML; the browser posts it base64-encoded.
 */
export function buildMockResponse(input: MockResponseInput): string {
  const now = input.now ?? new Date();
  const start = input.kind === 'expired' ? new Date(now.getTime() - EXPIRED_BY_MS - VALIDITY_MS) : now;
  const iso = (ms: number) => new Date(start.getTime() + ms).toISOString();
  const notBefore = iso(-30_000);
  const notOnOrAfter = iso(VALIDITY_MS);
  const format = input.kind === 'wrong-format' ? WRONG_NAMEID_FORMAT : nameIdFormatFor(input.nameId);
  const { request } = input;
  const issuer = `<saml:Issuer>${escapeXml(input.idpEntityId)}</saml:Issuer>`;
  const assertionId = newId();
  const attributes = Object.entries(input.attributes)
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  const assertion =
    `<saml:Assertion xmlns:saml="${NS.assertion}" ID="${assertionId}" Version="2.0" IssueInstant="${iso(0)}">` +
    issuer +
    `<saml:Subject><saml:NameID Format="${format}">${escapeXml(input.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(request.acsUrl)}" InResponseTo="${escapeXml(request.id)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escapeXml(request.issuer)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(0)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`;
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${newId()}" Version="2.0" IssueInstant="${iso(0)}" Destination="${escapeXml(request.acsUrl)}" InResponseTo="${escapeXml(request.id)}">` +
    issuer +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    signAssertion(assertion, assertionId, input.keys) +
    `</samlp:Response>`
  );
}

function signAssertion(xml: string, id: string, keys: KeyAndCertificate): string {
  const signer = new SignedXml({ privateKey: keys.privateKeyPem, publicCert: keys.certPem, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  signer.addReference({ xpath: `//*[@ID='${id}']`, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
  // The schema puts <ds:Signature> right after the assertion's <Issuer>.
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: `//*[@ID='${id}']/*[local-name()='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}
