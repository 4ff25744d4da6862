import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { encryptAssertion, type EncryptOptions } from './test-idp-encryption';

/** Builds and signs SAML Responses the way an IdP would, with knobs to break every part of one. */

export const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const ALGORITHMS = {
  sha256: { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
  sha1: { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
} as const;

export interface SigningKey {
  privateKeyPem: string;
  certPem: string;
}

export interface ResponseOptions {
  sp: { entityId: string; acsUrl: string };
  inResponseTo?: string | null;
  /** Where InResponseTo is written: both (default, like most IdPs), only the Response, or only the assertion's SubjectConfirmationData. */
  inResponseToIn?: 'both' | 'response' | 'assertion';
  /** Subject value (escaped). */
  nameId?: string;
  /** Raw inner XML of <NameID>, for comment-injection payloads. Wins over nameId. */
  nameIdXml?: string;
  /** null omits the Format attribute. */
  nameIdFormat?: string | null;
  audience?: string | null;
  recipient?: string;
  /** null omits Destination. */
  destination?: string | null;
  /** Issuer of both Response and Assertion unless overridden below. */
  issuer?: string;
  responseIssuer?: string | null;
  now?: Date;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  status?: { code: string; subCode?: string; message?: string };
  /** What carries a signature. Default: the assertion only (what most IdPs do). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  /** Sign with this key instead of the IdP's own (an attacker's, an old rotated one). */
  signingKey?: SigningKey;
  /** Put the signer's certificate in <ds:KeyInfo>. Default true, like real IdPs. */
  keyInfo?: boolean;
  algorithm?: keyof typeof ALGORITHMS;
  attributes?: Record<string, string | string[]>;
  sessionIndex?: string;
  assertionId?: string;
  responseId?: string;
  /** Two signed assertions in one response. */
  twoAssertions?: boolean;
  /** Prepend a DTD payload. */
  doctype?: 'xxe' | 'billion-laughs';
  /** Replace the assertion with an (opaque) EncryptedAssertion. */
  encryptedAssertion?: boolean;
  /** Sign the assertion (as `sign` says), then encrypt it to the SP's encryption certificate. */
  encrypt?: EncryptOptions;
  /** Raw XML put after the (encrypted) assertion: a smuggled second assertion. */
  extraAssertionXml?: string;
  /** Leave out <Conditions> entirely. */
  omitConditions?: boolean;
}

export function newId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function signElement(xml: string, id: string, key: SigningKey, algorithm: keyof typeof ALGORITHMS = 'sha256', keyInfo = true): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    ...(keyInfo ? { publicCert: key.certPem } : {}),
    signatureAlgorithm: ALGORITHMS[algorithm].signature,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: `//*[@ID='${id}']`, digestAlgorithm: ALGORITHMS[algorithm].digest, transforms: [ENVELOPED, EXC_C14N] });
  // Schema order puts <ds:Signature> right after <Issuer>.
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: `//*[@ID='${id}']/*[local-name()='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

function attributeStatement(attributes: Record<string, string | string[]>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return '';
  const body = entries
    .map(([name, value]) => {
      const values = (Array.isArray(value) ? value : [value])
        .map((v) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
        .join('');
      return `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values}</saml:Attribute>`;
    })
    .join('');
  return `<saml:AttributeStatement>${body}</saml:AttributeStatement>`;
}

export function assertionXml(o: ResponseOptions & { idpEntityId: string; id: string }): string {
  const now = o.now ?? new Date();
  const iso = (d: Date): string => d.toISOString();
  const issueInstant = o.issueInstant ?? now;
  const notBefore = o.notBefore ?? new Date(now.getTime() - 30_000);
  const notOnOrAfter = o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const subjectNotOnOrAfter = o.subjectNotOnOrAfter ?? notOnOrAfter;
  const format = o.nameIdFormat === undefined ? EMAIL_FORMAT : o.nameIdFormat;
  const nameIdInner = o.nameIdXml ?? esc(o.nameId ?? 'alice@acme.test');
  const inResponseTo = o.inResponseTo && o.inResponseToIn !== 'response' ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
  const audience = o.audience === undefined ? o.sp.entityId : o.audience;
  const conditions = o.omitConditions
    ? ''
    : `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}">` +
      (audience === null ? '' : `<saml:AudienceRestriction><saml:Audience>${esc(audience)}</saml:Audience></saml:AudienceRestriction>`) +
      `</saml:Conditions>`;
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.id}" Version="2.0" IssueInstant="${iso(issueInstant)}">` +
    `<saml:Issuer>${esc(o.issuer ?? o.idpEntityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID${format === null ? '' : ` Format="${esc(format)}"`}>${nameIdInner}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${iso(subjectNotOnOrAfter)}" Recipient="${esc(o.recipient ?? o.sp.acsUrl)}"${inResponseTo}/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    conditions +
    `<saml:AuthnStatement AuthnInstant="${iso(issueInstant)}" SessionIndex="${esc(o.sessionIndex ?? `${o.id}-session`)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    attributeStatement(o.attributes ?? {}) +
    `</saml:Assertion>`
  );
}

function statusXml(status: ResponseOptions['status']): string {
  const code = status?.code ?? SUCCESS;
  const sub = status?.subCode ? `<samlp:StatusCode Value="${esc(status.subCode)}"/>` : '';
  const message = status?.message ? `<samlp:StatusMessage>${esc(status.message)}</samlp:StatusMessage>` : '';
  return `<samlp:Status><samlp:StatusCode Value="${esc(code)}">${sub}</samlp:StatusCode>${message}</samlp:Status>`;
}

const DOCTYPES = {
  xxe: '<!DOCTYPE samlp:Response [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
  'billion-laughs':
    '<!DOCTYPE samlp:Response [ <!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"> ]>',
} as const;

/** The full Response XML, signed as `sign` asks. */
export function buildResponseXml(o: ResponseOptions & { idpEntityId: string; key: SigningKey }): string {
  const now = o.now ?? new Date();
  const responseId = o.responseId ?? newId();
  const key = o.signingKey ?? o.key;
  const sign = o.sign ?? 'assertion';
  const algorithm = o.algorithm ?? 'sha256';
  const keyInfo = o.keyInfo ?? true;
  const success = (o.status?.code ?? SUCCESS) === SUCCESS;

  const assertionIds = o.twoAssertions ? [o.assertionId ?? newId(), newId()] : [o.assertionId ?? newId()];
  let assertions = '';
  if (success) {
    assertions = assertionIds
      .map((id, i) => {
        const xml = assertionXml({ ...o, id, ...(i === 1 ? { nameId: 'mallory@evil.test', nameIdXml: undefined } : {}) });
        return sign === 'assertion' || sign === 'both' ? signElement(xml, id, key, algorithm, keyInfo) : xml;
      })
      .join('');
    if (o.encrypt) assertions = encryptAssertion(assertions, o.encrypt);
    if (o.extraAssertionXml) assertions += o.extraAssertionXml;
    if (o.encryptedAssertion) {
      assertions =
        '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
        '<xenc:CipherData><xenc:CipherValue>b3BhcXVl</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>';
    }
  }
  const destination = o.destination === undefined ? o.sp.acsUrl : o.destination;
  const responseIssuer = o.responseIssuer === undefined ? (o.issuer ?? o.idpEntityId) : o.responseIssuer;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${now.toISOString()}"` +
    (destination === null ? '' : ` Destination="${esc(destination)}"`) +
    (o.inResponseTo && o.inResponseToIn !== 'assertion' ? ` InResponseTo="${esc(o.inResponseTo)}"` : '') +
    `>` +
    (responseIssuer === null ? '' : `<saml:Issuer>${esc(responseIssuer)}</saml:Issuer>`) +
    statusXml(o.status) +
    assertions +
    `</samlp:Response>`;
  if ((sign === 'response' || sign === 'both') && responseIssuer !== null) xml = signElement(xml, responseId, key, algorithm, keyInfo);
  if (o.doctype) xml = `<?xml version="1.0" encoding="UTF-8"?>${DOCTYPES[o.doctype]}${xml}`;
  return xml;
}
