import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createSelfSignedCertificate, type KeyAndCertificate } from '../../src/saml/sp-keys';
import { buildResponseXml, type ResponseOptions, type SigningKey } from './test-idp-response';

export { EMAIL_FORMAT, SUCCESS, assertionXml, newId, type ResponseOptions, type SigningKey } from './test-idp-response';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const BINDINGS = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
} as const;

const escapeAttr = (s: string): string => s.replace(/[&<"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;' })[c]!);

export interface ParsedAuthnRequest {
  binding: 'HTTP-POST' | 'HTTP-Redirect';
  id: string;
  acsUrl: string;
  issuer: string;
  destination: string;
  relayState: string | undefined;
  nameIdPolicyFormat: string | undefined;
  forceAuthn: boolean;
  xml: string;
}

/** Reads the form an auto-submitting HTML page would post (our own markup, so a regex is enough). */
export function parseFormPostHtml(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (s: string): string =>
    s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('no <form action> in page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) fields[unescape(m[1]!)] = unescape(m[2]!);
  return { action: unescape(action), fields };
}

/**
 * A SAML identity provider for tests: its own key and self-signed certificate made at test
 * time, metadata, AuthnRequest parsing with SP-signature verification, and Response building.
 */
export class TestIdp {
  private constructor(
    readonly entityId: string,
    readonly keys: KeyAndCertificate,
  ) {}

  static create(options: { entityId?: string; bits?: number } = {}): TestIdp {
    const entityId = options.entityId ?? 'https://idp.test/metadata';
    return new TestIdp(entityId, createSelfSignedCertificate({ commonName: `Test IdP ${entityId}`, bits: options.bits ?? 2048 }));
  }

  get certPem(): string {
    return this.keys.certPem;
  }

  get signingKey(): SigningKey {
    return { privateKeyPem: this.keys.privateKeyPem, certPem: this.keys.certPem };
  }

  metadataXml(options: { ssoUrl: string; binding?: 'post' | 'redirect' | 'both'; wantAuthnRequestsSigned?: boolean }): string {
    const binding = options.binding ?? 'both';
    const services = (binding === 'both' ? (['post', 'redirect'] as const) : [binding])
      .map((b) => `<md:SingleSignOnService Binding="${BINDINGS[b]}" Location="${escapeAttr(options.ssoUrl)}"/>`)
      .join('');
    return (
      `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${this.entityId}">` +
      `<md:IDPSSODescriptor WantAuthnRequestsSigned="${options.wantAuthnRequestsSigned ?? true}" protocolSupportEnumeration="${SAMLP}">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DSIG}"><ds:X509Data><ds:X509Certificate>${this.keys.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
      services +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`
    );
  }

  /** Parses an AuthnRequest from a POSTed form or a Redirect URL and verifies the SP's signature on it. */
  parseAuthnRequest(input: { form: Record<string, string> } | { url: string }, spCertPem: string): ParsedAuthnRequest {
    if ('form' in input) {
      const xml = Buffer.from(input.form.SAMLRequest ?? '', 'base64').toString('utf8');
      const request = this.readRequest(xml);
      const signatures = request.root.getElementsByTagNameNS(DSIG, 'Signature');
      if (signatures.length !== 1 || signatures[0]!.parentNode !== request.root) throw new Error('POST AuthnRequest must carry one enveloped signature');
      const verifier = new SignedXml({ publicCert: spCertPem });
      verifier.loadSignature(signatures[0]!);
      let valid = false;
      try {
        valid = verifier.checkSignature(xml);
      } catch {
        // xml-crypto throws on a wrong signature value; treat like false.
      }
      if (!valid) throw new Error('AuthnRequest signature does not verify with the SP certificate');
      const uri = verifier.getSignedReferences().length === 1 ? signatures[0]!.getElementsByTagNameNS(DSIG, 'Reference')[0]!.getAttribute('URI') : null;
      if (uri !== `#${request.fields.id}`) throw new Error(`signature covers ${uri}, not the request ${request.fields.id}`);
      return { ...request.fields, binding: 'HTTP-POST', relayState: input.form.RelayState, xml };
    }
    // Redirect binding §3.4.4.1: verify over the query parameters exactly as they were encoded on the wire.
    const rawQuery = new URL(input.url).search.slice(1);
    const raw = new Map(rawQuery.split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const));
    const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
    const params = new URL(input.url).searchParams;
    if (params.get('SigAlg') !== 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') throw new Error(`unexpected SigAlg ${params.get('SigAlg')}`);
    const ok = createVerify('RSA-SHA256').update(signed).verify(spCertPem, params.get('Signature') ?? '', 'base64');
    if (!ok) throw new Error('Redirect AuthnRequest signature does not verify with the SP certificate');
    const xml = inflateRawSync(Buffer.from(params.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    return { ...this.readRequest(xml).fields, binding: 'HTTP-Redirect', relayState: params.get('RelayState') ?? undefined, xml };
  }

  private readRequest(xml: string) {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const root = doc.documentElement;
    if (root.namespaceURI !== SAMLP || root.localName !== 'AuthnRequest') throw new Error(`not an AuthnRequest: <${root.nodeName}>`);
    const policy = root.getElementsByTagNameNS(SAMLP, 'NameIDPolicy')[0];
    const issuer = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0];
    return {
      root,
      fields: {
        id: root.getAttribute('ID') ?? '',
        acsUrl: root.getAttribute('AssertionConsumerServiceURL') ?? '',
        destination: root.getAttribute('Destination') ?? '',
        issuer: issuer?.textContent ?? '',
        nameIdPolicyFormat: policy?.getAttribute('Format') ?? undefined,
        forceAuthn: root.getAttribute('ForceAuthn') === 'true',
      },
    };
  }

  responseXml(options: ResponseOptions): string {
    return buildResponseXml({ ...options, idpEntityId: this.entityId, key: this.signingKey });
  }

  /** What the browser would POST as SAMLResponse. */
  responseBase64(options: ResponseOptions): string {
    return Buffer.from(this.responseXml(options), 'utf8').toString('base64');
  }
}
