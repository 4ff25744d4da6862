import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { IdpMetadata } from './idp-metadata';
import { NAMEID_EMAIL, NAMEID_UNSPECIFIED } from './nameid';
import { escapeXml } from './xml';

export type SamlBinding = 'HTTP-POST' | 'HTTP-Redirect';

export interface AuthnRequestInput {
  idp: Pick<IdpMetadata, 'entityId' | 'signingCerts' | 'ssoPostUrl' | 'ssoRedirectUrl'>;
  sp: { entityId: string; acsUrl: string; privateKeyPem: string; certPem: string };
  /** Opaque id of the stored login attempt; never a URL or user data (it travels through the IdP). */
  relayState: string;
  /** NameIDPolicy Format. Default unspecified: ADFS fails InvalidNameIDPolicy on emailAddress without a matching claim rule. */
  nameIdFormat?: typeof NAMEID_EMAIL | typeof NAMEID_UNSPECIFIED;
  forceAuthn?: boolean;
  /** Nonce for the auto-submit <script>, so the page works under a strict Content-Security-Policy. */
  cspNonce?: string;
  /** A pre-made ID (newRequestId()), when the caller stores the request before building it. */
  requestId?: string;
}

export interface AuthnRequestResult {
  /** The AuthnRequest ID; the caller stores it and checks the Response's InResponseTo against it. */
  requestId: string;
  binding: SamlBinding;
  /** HTTP-POST: an auto-submitting page for the browser. */
  html?: string;
  /** HTTP-Redirect: the signed URL to send the browser to with a 302/303. */
  url?: string;
}

const RELAY_STATE = /^[A-Za-z0-9_-]{1,80}$/; // SAML bindings §3.4.3: at most 80 bytes

/** `_` + 160 random bits: an xsd:ID must not start with a digit, and the ID must be unguessable. */
export function newRequestId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

function htmlAutoPost(action: string, fields: Record<string, string>, nonce?: string): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeXml(name)}" value="${escapeXml(value)}">`)
    .join('\n');
  const nonceAttr = nonce ? ` nonce="${escapeXml(nonce)}"` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head><body>',
    `<form method="post" action="${escapeXml(action)}">`,
    inputs,
    '<noscript><p>JavaScript is off: press Continue to go to your identity provider.</p><button type="submit">Continue</button></noscript>',
    '</form>',
    `<script${nonceAttr}>document.forms[0].submit();</script>`,
    '</body></html>',
  ].join('\n');
}

/**
 * A signed AuthnRequest for the IdP, by HTTP-POST when its metadata offers it (the request is
 * signed inside the XML and not size-limited by URLs), else by HTTP-Redirect (signed query).
 * We generate the ID ourselves and hand it to node-saml, so no node-saml cache provider is
 * involved: the caller stores the ID in the shared store, which is what multi-instance needs.
 */
export async function buildAuthnRequest(input: AuthnRequestInput): Promise<AuthnRequestResult> {
  if (!RELAY_STATE.test(input.relayState)) {
    throw new Error('relayState must be 1-80 characters of [A-Za-z0-9_-] (an opaque id)');
  }
  const binding: SamlBinding = input.idp.ssoPostUrl ? 'HTTP-POST' : 'HTTP-Redirect';
  const entryPoint = input.idp.ssoPostUrl ?? input.idp.ssoRedirectUrl;
  if (!entryPoint) throw new Error(`IdP ${input.idp.entityId} has no SingleSignOnService URL`);
  const requestId = input.requestId ?? newRequestId();

  const saml = new SAML({
    entryPoint,
    issuer: input.sp.entityId,
    callbackUrl: input.sp.acsUrl,
    idpCert: input.idp.signingCerts,
    privateKey: input.sp.privateKeyPem,
    publicCert: input.sp.certPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    identifierFormat: input.nameIdFormat ?? NAMEID_UNSPECIFIED,
    allowCreate: true,
    forceAuthn: input.forceAuthn ?? false,
    // node-saml would ask for PasswordProtectedTransport with exact comparison, which makes
    // Entra ID and ADFS refuse MFA / Windows-integrated sign-ins; let the IdP decide.
    disableRequestedAuthnContext: true,
    // HTTP-POST carries plain base64 (bindings §3.5.4); only Redirect is DEFLATEd. node-saml deflates both by default.
    skipRequestCompression: binding === 'HTTP-POST',
    authnRequestBinding: binding,
    generateUniqueId: () => requestId,
    validateInResponseTo: ValidateInResponseTo.never,
  });

  if (binding === 'HTTP-POST') {
    const message = await saml.getAuthorizeMessageAsync(input.relayState);
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(message)) if (typeof value === 'string') fields[key] = value;
    return { requestId, binding, html: htmlAutoPost(entryPoint, fields, input.cspNonce) };
  }
  const url = await saml.getAuthorizeUrlAsync(input.relayState, undefined, {});
  return { requestId, binding, url };
}
