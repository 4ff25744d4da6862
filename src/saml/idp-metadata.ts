import { TextDecoder } from 'node:util';
import { parseCertificate, toPem } from './certificates';
import { NS, XmlSafetyError, attr, childElements, descendantElements, fullText, isA, parseXmlStrict } from './xml';

export const MAX_METADATA_BYTES = 1024 * 1024;

export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

export type SamlMetadataErrorLabel =
  | 'metadata-empty'
  | 'metadata-too-large'
  | 'doctype-forbidden'
  | 'malformed-xml'
  | 'not-metadata'
  | 'multiple-idps'
  | 'entity-id-missing'
  | 'idp-descriptor-missing'
  | 'saml2-unsupported'
  | 'signing-certificate-missing'
  | 'certificate-malformed'
  | 'sso-service-missing'
  | 'sso-url-invalid';

/** A metadata document we cannot use; `message` tells the admin what to fix. */
export class SamlMetadataError extends Error {
  constructor(
    readonly label: SamlMetadataErrorLabel,
    message: string,
  ) {
    super(message);
    this.name = 'SamlMetadataError';
  }
}

export interface IdpMetadata {
  entityId: string;
  /** PEM certificates from KeyDescriptors usable for signing, in document order, deduplicated. */
  signingCerts: string[];
  ssoPostUrl?: string;
  ssoRedirectUrl?: string;
  nameIdFormats: string[];
  wantAuthnRequestsSigned: boolean;
  /** Usable but worth telling the admin (expired certificate, stale validUntil, skipped keys). */
  warnings: string[];
}

export interface ParseMetadataOptions {
  maxBytes?: number;
  now?: Date;
}

function decode(input: string | Buffer, maxBytes: number): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxBytes) {
    throw new SamlMetadataError('metadata-too-large', `metadata is ${size} bytes; the limit is ${maxBytes}`);
  }
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new SamlMetadataError('malformed-xml', 'metadata is not UTF-8 text');
  }
  text = text.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) throw new SamlMetadataError('metadata-empty', 'metadata is empty');
  // A login page pasted instead of the metadata is the most common mistake; say so before the DTD check fires.
  if (/^(<!doctype html|<html[\s>])/i.test(text)) {
    throw new SamlMetadataError('not-metadata', 'this is an HTML page, not SAML metadata; copy the federation metadata XML (or its URL) from your IdP');
  }
  return text;
}

function parse(text: string): Document {
  try {
    return parseXmlStrict(text);
  } catch (err) {
    if (err instanceof XmlSafetyError) {
      const hint = err.kind === 'doctype-forbidden' ? 'metadata must not contain a DOCTYPE or ENTITY declaration' : `metadata is ${err.message}`;
      throw new SamlMetadataError(err.kind, hint);
    }
    throw err;
  }
}

/** The one EntityDescriptor that describes an IdP; EntitiesDescriptor wrappers (Keycloak, federations) allowed. */
function findIdpEntity(root: Element): Element {
  if (isA(root, NS.metadata, 'EntityDescriptor')) return root;
  if (!isA(root, NS.metadata, 'EntitiesDescriptor')) {
    throw new SamlMetadataError(
      'not-metadata',
      `root element is <${root.nodeName}> (namespace ${root.namespaceURI ?? 'none'}); expected a SAML 2.0 <EntityDescriptor> in ${NS.metadata}`,
    );
  }
  const entities = descendantElements(root, NS.metadata, 'EntityDescriptor');
  const idps = entities.filter((e) => childElements(e, NS.metadata, 'IDPSSODescriptor').length > 0);
  if (idps.length === 1) return idps[0]!;
  if (idps.length === 0) {
    throw new SamlMetadataError('idp-descriptor-missing', `EntitiesDescriptor holds ${entities.length} entities but none has an <IDPSSODescriptor>`);
  }
  const ids = idps.map((e) => attr(e, 'entityID') ?? '?').join(', ');
  throw new SamlMetadataError('multiple-idps', `metadata describes ${idps.length} identity providers (${ids}); upload the metadata of exactly one`);
}

function findSaml2IdpDescriptor(entity: Element, entityId: string): Element {
  const descriptors = childElements(entity, NS.metadata, 'IDPSSODescriptor');
  if (descriptors.length === 0) {
    const roles = childElements(entity).map((e) => e.localName).join(', ');
    throw new SamlMetadataError(
      'idp-descriptor-missing',
      `entity ${entityId} has no <IDPSSODescriptor> (it has: ${roles || 'nothing'}); is this the service provider's metadata instead of the IdP's?`,
    );
  }
  const saml2 = descriptors.find((d) => (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL));
  if (!saml2) {
    throw new SamlMetadataError('saml2-unsupported', `the <IDPSSODescriptor> of ${entityId} does not list ${SAML2_PROTOCOL} in protocolSupportEnumeration`);
  }
  return saml2;
}

function signingCertificates(descriptor: Element, now: Date, warnings: string[]): string[] {
  const pems: string[] = [];
  for (const keyDescriptor of childElements(descriptor, NS.metadata, 'KeyDescriptor')) {
    const use = attr(keyDescriptor, 'use');
    // No "use" means the key serves both purposes (SAML metadata §2.4.1.1).
    if (use !== undefined && use !== 'signing') continue;
    for (const certEl of descendantElements(keyDescriptor, NS.dsig, 'X509Certificate')) {
      let x509;
      try {
        x509 = parseCertificate(fullText(certEl));
      } catch (err) {
        throw new SamlMetadataError('certificate-malformed', `a signing <X509Certificate> is not a valid certificate: ${(err as Error).message}`);
      }
      // xml-crypto verifies RSA signatures only; an EC key would silently never match.
      if (x509.publicKey.asymmetricKeyType !== 'rsa') {
        warnings.push(`skipped a ${x509.publicKey.asymmetricKeyType} signing certificate (${x509.subject}); only RSA is supported`);
        continue;
      }
      if (new Date(x509.validTo).getTime() < now.getTime()) {
        // IdPs (notably ADFS) keep signing with expired self-signed certs; SAML trust is by key, so warn only.
        warnings.push(`signing certificate "${x509.subject.replace(/\n/g, ', ')}" expired on ${new Date(x509.validTo).toISOString()}`);
      }
      const pem = toPem(x509.raw.toString('base64'));
      if (!pems.includes(pem)) pems.push(pem);
    }
  }
  return pems;
}

function ssoLocation(descriptor: Element, binding: string): string | undefined {
  const service = childElements(descriptor, NS.metadata, 'SingleSignOnService').find((s) => attr(s, 'Binding') === binding);
  if (!service) return undefined;
  const location = (attr(service, 'Location') ?? '').trim();
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new SamlMetadataError('sso-url-invalid', `SingleSignOnService Location "${location}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SamlMetadataError('sso-url-invalid', `SingleSignOnService Location must be http(s); got "${url.protocol}"`);
  }
  return location;
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/**
 * Reads what Gatehouse needs from IdP metadata: who the IdP is, which keys sign for it and where
 * to send users. Trust comes from the admin uploading it; its own XML signature is not checked.
 */
export function parseIdpMetadata(input: string | Buffer, options: ParseMetadataOptions = {}): IdpMetadata {
  const now = options.now ?? new Date();
  const doc = parse(decode(input, options.maxBytes ?? MAX_METADATA_BYTES));
  const entity = findIdpEntity(doc.documentElement);
  const entityId = (attr(entity, 'entityID') ?? '').trim();
  if (!entityId) throw new SamlMetadataError('entity-id-missing', '<EntityDescriptor> has no entityID attribute');
  // SAML core §8.3.6 caps entity identifiers at 1024 characters.
  if (entityId.length > 1024) throw new SamlMetadataError('entity-id-missing', 'entityID is longer than 1024 characters');

  const descriptor = findSaml2IdpDescriptor(entity, entityId);
  const warnings: string[] = [];
  const validUntil = attr(entity, 'validUntil') ?? attr(doc.documentElement, 'validUntil');
  if (validUntil && Date.parse(validUntil) < now.getTime()) warnings.push(`metadata validUntil ${validUntil} is in the past; fetch a fresh copy`);

  const signingCerts = signingCertificates(descriptor, now, warnings);
  if (signingCerts.length === 0) {
    throw new SamlMetadataError(
      'signing-certificate-missing',
      'the <IDPSSODescriptor> has no signing certificate (a <KeyDescriptor use="signing"> or without "use", holding an RSA <ds:X509Certificate>)',
    );
  }

  const ssoPostUrl = ssoLocation(descriptor, BINDING_POST);
  const ssoRedirectUrl = ssoLocation(descriptor, BINDING_REDIRECT);
  if (!ssoPostUrl && !ssoRedirectUrl) {
    const offered = childElements(descriptor, NS.metadata, 'SingleSignOnService').map((s) => attr(s, 'Binding') ?? '?');
    throw new SamlMetadataError(
      'sso-service-missing',
      `no <SingleSignOnService> with the HTTP-POST or HTTP-Redirect binding${offered.length ? ` (found: ${offered.join(', ')})` : ''}`,
    );
  }

  const nameIdFormats = childElements(descriptor, NS.metadata, 'NameIDFormat').map((e) => fullText(e).trim()).filter(Boolean);
  return {
    entityId,
    signingCerts,
    ...(ssoPostUrl ? { ssoPostUrl } : {}),
    ...(ssoRedirectUrl ? { ssoRedirectUrl } : {}),
    nameIdFormats,
    wantAuthnRequestsSigned: isTrue(attr(descriptor, 'WantAuthnRequestsSigned')),
    warnings,
  };
}
