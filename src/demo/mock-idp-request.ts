import { inflateRawSync } from 'node:zlib';
import { badRequest } from '../http/errors';
import { spAcsUrl, spEntityId } from '../saml/sp-urls';
import { isUuid } from '../saml/uuid';
import { attr, firstChild, fullText, isA, NS, parseXmlStrict, XmlSafetyError } from '../saml/xml';

/** What the mock IdP needs from an AuthnRequest to answer it. */
export interface MockAuthnRequest {
  id: string;
  /** The SP entityID (our team's metadata URL): becomes the Audience. */
  issuer: string;
  /** Where the Response is posted: this instance's ACS of one team. */
  acsUrl: string;
  teamId: string;
  binding: 'HTTP-POST' | 'HTTP-Redirect';
  /** The request XML, carried through the sign-in page so the answer is built from the request itself. */
  xml: string;
}

const MAX_REQUEST_BYTES = 64 * 1024;
const ACS_PATH = /\/sso\/finalize-login\/([^/?#]+)$/;
const REQUEST_ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

const refuse = (message: string) => badRequest('demo-idp-bad-request', `The mock IdP cannot answer this: ${message}`);

/** SAMLRequest as the binding carries it: base64 (HTTP-POST) or base64 of DEFLATE (HTTP-Redirect, bindings §3.4.4.1). */
export function decodeSamlRequest(value: unknown, binding: MockAuthnRequest['binding']): string {
  if (typeof value !== 'string' || value.trim() === '') throw refuse('no SAMLRequest came with the request; start from the enterprise-login code or link.');
  if (value.length > MAX_REQUEST_BYTES) throw refuse('the SAMLRequest is larger than an AuthnRequest can be.');
  const bytes = Buffer.from(value, 'base64');
  if (binding === 'HTTP-POST') return bytes.toString('utf8');
  try {
    return inflateRawSync(bytes, { maxOutputLength: MAX_REQUEST_BYTES }).toString('utf8');
  } catch {
    throw refuse('the SAMLRequest of an HTTP-Redirect must be DEFLATE-compressed and base64-encoded.');
  }
}

/**
 * Reads an AuthnRequest and checks it is one this instance's SP sent: its ACS URL must be a team's
 * ACS on PUBLIC_URL and its Issuer that team's entityID. So the mock IdP signs assertions only for
 * this Gatehouse, never for another service that would send its browser here.
 */
export function readAuthnRequest(xml: string, binding: MockAuthnRequest['binding'], publicUrl: string): MockAuthnRequest {
  let root: Element;
  try {
    root = parseXmlStrict(xml).documentElement!;
  } catch (err) {
    if (err instanceof XmlSafetyError) throw refuse(`the SAMLRequest is not usable XML (${err.message}).`);
    throw err;
  }
  if (!isA(root, NS.protocol, 'AuthnRequest')) throw refuse(`the SAMLRequest is a <${root.localName}>, not an AuthnRequest.`);
  const id = attr(root, 'ID') ?? '';
  if (!REQUEST_ID.test(id)) throw refuse('the AuthnRequest has no usable ID.');
  const acsUrl = attr(root, 'AssertionConsumerServiceURL') ?? '';
  const teamId = ACS_PATH.exec(acsUrl)?.[1] ?? '';
  if (!isUuid(teamId) || acsUrl !== spAcsUrl(publicUrl, teamId))
    throw refuse(`its AssertionConsumerServiceURL "${acsUrl.slice(0, 200)}" is not an ACS of this Gatehouse (${publicUrl}); the demo IdP answers only this instance.`);
  const issuerElement = firstChild(root, NS.assertion, 'Issuer');
  const issuer = issuerElement ? fullText(issuerElement).trim() : '';
  if (issuer !== spEntityId(publicUrl, teamId)) throw refuse(`its Issuer "${issuer.slice(0, 200)}" is not the entityID of the team whose ACS it names.`);
  return { id, issuer, acsUrl, teamId, binding, xml };
}
