import { TextDecoder } from 'node:util';
import { XMLSerializer } from '@xmldom/xmldom';
import { decryptEncryptedAssertion, type DecryptInput, type EncryptionInfo } from './decrypt-assertion';
import { CheckLog } from './response-checks';
import { STATUS_SUCCESS, idpStatusLabel, sanitizeIdpText } from './idp-status';
import { NS, XmlSafetyError, attr, childElements, descendantElements, firstChild, fullText, isA, parseXmlStrict } from './xml';

/**
 * Everything we can refuse by looking at the Response before any cryptography: the cheap,
 * unambiguous checks, and the structural rules that make signature wrapping impossible by
 * construction (one assertion, where it belongs; each signature enveloped by what it signs).
 */

const SHA1_ALGORITHMS = ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1'];

export interface ResponseEnvelope {
  /** Whitespace-free base64, the exact bytes node-saml will decode again. */
  base64: string;
  xml: string;
  doc: Document;
  response: Element;
  /** The single Assertion (unverified: only used to decide labels, never to read identity). */
  assertion: Element;
  responseSigned: boolean;
  inResponseTo: string | undefined;
  /** Set when the assertion arrived encrypted (it is decrypted in `doc` and `base64`). */
  encryption: EncryptionInfo | null;
}

export interface StructureInput {
  samlResponse: string;
  idpEntityId: string;
  acsUrl: string;
  maxBytes: number;
  allowSha1: boolean;
  /** Our decryption keys and whether this connection requires encryption. */
  decrypt: DecryptInput;
  /** Told as soon as an assertion was decrypted (before the later checks may refuse). */
  onDecrypted?: (info: EncryptionInfo) => void;
}

/** URLs compared after WHATWG normalisation (scheme/host case, default port); anything unparsable compares as-is. */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

function decodeBase64(input: StructureInput, log: CheckLog): { base64: string; xml: string } {
  if (input.samlResponse.length > input.maxBytes) {
    log.fail('size', 'response-too-large', `SAMLResponse is ${input.samlResponse.length} bytes; the limit is ${input.maxBytes}`);
  }
  log.pass('size', `${input.samlResponse.length} bytes (limit ${input.maxBytes})`);
  // Some IdPs wrap the base64 at 76 columns; whitespace is the only liberty we allow.
  const base64 = input.samlResponse.replace(/[\r\n\t ]+/g, '');
  if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    log.fail('base64', 'malformed-base64', 'SAMLResponse is not valid base64');
  }
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64'));
  } catch {
    return log.fail('base64', 'malformed-xml', 'SAMLResponse does not decode to UTF-8 text');
  }
  log.pass('base64', 'valid base64, UTF-8 text');
  return { base64, xml };
}

function parse(xml: string, log: CheckLog): Document {
  try {
    const doc = parseXmlStrict(xml);
    log.pass('xml', 'well-formed, no DTD');
    return doc;
  } catch (err) {
    if (err instanceof XmlSafetyError) {
      const reason = err.kind === 'doctype-forbidden' ? 'the Response contains a DOCTYPE/ENTITY declaration (XXE / entity expansion attempt)' : `the Response is ${err.message}`;
      log.fail('xml', err.kind, reason);
    }
    throw err;
  }
}

function checkStatus(response: Element, log: CheckLog): void {
  const status = firstChild(response, NS.protocol, 'Status');
  const top = status ? firstChild(status, NS.protocol, 'StatusCode') : undefined;
  const topCode = top ? attr(top, 'Value') : undefined;
  if (topCode === STATUS_SUCCESS) {
    log.pass('status', 'Success');
    return;
  }
  const sub = top ? firstChild(top, NS.protocol, 'StatusCode') : undefined;
  const subCode = sub ? attr(sub, 'Value') : undefined;
  const messageEl = status ? firstChild(status, NS.protocol, 'StatusMessage') : undefined;
  const idpMessage = messageEl ? sanitizeIdpText(fullText(messageEl)) : '';
  const codes = [topCode, subCode].filter(Boolean).map((c) => c!.split(':').pop()).join(' / ') || 'no status code';
  log.fail('status', idpStatusLabel(topCode, subCode), `the identity provider refused the sign-in (${codes})${idpMessage ? `: ${idpMessage}` : ''}`);
}

function checkEnvelope(response: Element, input: StructureInput, log: CheckLog): void {
  const issuerEl = firstChild(response, NS.assertion, 'Issuer');
  if (issuerEl) {
    const issuer = fullText(issuerEl).trim();
    if (issuer !== input.idpEntityId) log.fail('response-issuer', 'wrong-issuer', `Response Issuer is "${sanitizeIdpText(issuer, 200)}"; this connection expects "${input.idpEntityId}"`);
    log.pass('response-issuer', `Issuer is ${issuer}`);
  } else {
    log.pass('response-issuer', 'no Response Issuer (optional); the assertion Issuer is checked after the signature');
  }
  const destination = attr(response, 'Destination');
  if (destination !== undefined) {
    if (!sameUrl(destination, input.acsUrl)) log.fail('destination', 'wrong-destination', `Response Destination is "${sanitizeIdpText(destination, 300)}"; this ACS is "${input.acsUrl}"`);
    log.pass('destination', `Destination is this ACS`);
  } else {
    // Optional when the Response itself is unsigned; the signed SubjectConfirmationData Recipient is required instead.
    log.pass('destination', 'no Destination (optional); the signed Recipient is checked instead');
  }
}

function hasSignatureChild(el: Element): boolean {
  return childElements(el, NS.dsig, 'Signature').length > 0;
}

function findAssertion(doc: Document, response: Element, log: CheckLog): Element {
  // What is left after decryption: an EncryptedAssertion inside the decrypted one is smuggled.
  if (descendantElements(doc, NS.assertion, 'EncryptedAssertion').length > 0) {
    log.fail('assertion-count', 'signature-wrapped', 'an EncryptedAssertion sits inside the assertion (signature wrapping)');
  }
  const all = descendantElements(doc, NS.assertion, 'Assertion');
  const direct = childElements(response, NS.assertion, 'Assertion');
  const nested = all.filter((a) => a.parentNode !== response);
  if (nested.length > 0) {
    const where = nested.map((a) => (a.parentNode as Element).nodeName).join(', ');
    log.fail('assertion-count', 'signature-wrapped', `an Assertion is hidden inside <${where}>; assertions may only appear directly in the Response (signature wrapping)`);
  }
  if (direct.length === 0) log.fail('assertion-count', 'assertion-missing', 'the Response has status Success but carries no Assertion');
  if (direct.length > 1) {
    // An unsigned assertion next to a signed one is XSW3/XSW5 in disguise; two signed ones is merely unsupported.
    const allSigned = direct.every(hasSignatureChild);
    log.fail(
      'assertion-count',
      allSigned ? 'multiple-assertions' : 'signature-wrapped',
      allSigned ? `the Response carries ${direct.length} assertions; exactly one is accepted` : `the Response carries ${direct.length} assertions, not all signed (signature wrapping)`,
    );
  }
  log.pass('assertion-count', 'exactly one Assertion, directly in the Response');
  return direct[0]!;
}

/** Every element with an ID must be unique, and every signature must sign its own parent and nothing else. */
function checkSignatureStructure(doc: Document, response: Element, assertion: Element, log: CheckLog): void {
  // xml-crypto resolves "#x" against any attribute whose local name is ID/Id/id, whatever its prefix.
  const seen = new Set<string>();
  for (const el of descendantElements(doc)) {
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i)!;
      if (a.localName !== 'ID' && a.localName !== 'Id' && a.localName !== 'id') continue;
      if (seen.has(a.value)) log.fail('signature-structure', 'signature-wrapped', `the ID "${sanitizeIdpText(a.value, 100)}" appears more than once (signature wrapping)`);
      seen.add(a.value);
    }
  }
  for (const sig of descendantElements(doc, NS.dsig, 'Signature')) {
    const parent = sig.parentNode as Element | null;
    if (!parent || (parent !== response && parent !== assertion)) {
      log.fail('signature-structure', 'signature-wrapped', `a Signature sits inside <${parent?.nodeName ?? '?'}>; only the Response and the Assertion may be signed (signature wrapping)`);
    }
    if (childElements(sig, NS.dsig, 'Object').length > 0) {
      log.fail('signature-structure', 'signature-wrapped', 'a Signature carries an <Object>; SAML signatures are enveloped and never wrap content (signature wrapping)');
    }
    const references = descendantElements(sig, NS.dsig, 'Reference');
    const parentId = attr(parent, 'ID');
    if (references.length !== 1 || !parentId || attr(references[0]!, 'URI') !== `#${parentId}`) {
      log.fail('signature-structure', 'signature-wrapped', `the Signature in <${parent.nodeName}> does not reference exactly its own element (signature wrapping)`);
    }
  }
  if (childElements(response, NS.dsig, 'Signature').length > 1 || childElements(assertion, NS.dsig, 'Signature').length > 1) {
    log.fail('signature-structure', 'signature-wrapped', 'an element carries more than one Signature');
  }
  log.pass('signature-structure', 'IDs unique; each signature is enveloped by the element it signs');
}

function checkSignaturePresence(response: Element, assertion: Element, log: CheckLog): boolean {
  const responseSigned = hasSignatureChild(response);
  if (!hasSignatureChild(assertion)) {
    if (responseSigned) {
      log.fail('signature-present', 'unsigned-assertion', 'only the Response is signed; Gatehouse requires the Assertion itself to be signed (set the IdP to sign the assertion, or both)');
    }
    log.fail('signature-present', 'signature-missing', 'neither the Response nor the Assertion is signed');
  }
  log.pass('signature-present', responseSigned ? 'Response and Assertion are signed' : 'Assertion is signed');
  return responseSigned;
}

function checkAlgorithms(doc: Document, allowSha1: boolean, log: CheckLog): void {
  const used = descendantElements(doc, NS.dsig, 'SignatureMethod')
    .concat(descendantElements(doc, NS.dsig, 'DigestMethod'))
    .map((el) => attr(el, 'Algorithm') ?? '');
  const weak = used.filter((a) => SHA1_ALGORITHMS.includes(a));
  if (weak.length > 0 && !allowSha1) {
    log.fail('signature-algorithm', 'weak-signature-algorithm', `the IdP signs with SHA-1 (${[...new Set(weak)].join(', ')}); configure it to use SHA-256`);
  }
  if (descendantElements(doc, NS.dsig, 'DigestMethod').length === 0) {
    log.fail('signature-algorithm', 'signature-invalid', 'the Signature has no DigestMethod');
  }
  log.pass('signature-algorithm', [...new Set(used)].join(', '));
}

export function inspectResponse(input: StructureInput, log: CheckLog): ResponseEnvelope {
  const { base64, xml } = decodeBase64(input, log);
  const doc = parse(xml, log);
  const response = doc.documentElement;
  if (!isA(response, NS.protocol, 'Response')) {
    log.fail('response', 'not-a-saml-response', `the message is <${response.nodeName}>, not a SAML 2.0 protocol <Response>`);
  }
  log.pass('response', 'SAML 2.0 Response');
  checkStatus(response, log);
  checkEnvelope(response, input, log);
  const encryption = decryptEncryptedAssertion(doc, response, input.decrypt, log);
  if (encryption) input.onDecrypted?.(encryption);
  const assertion = findAssertion(doc, response, log);
  checkSignatureStructure(doc, response, assertion, log);
  const responseSigned = checkSignaturePresence(response, assertion, log);
  checkAlgorithms(doc, input.allowSha1, log);
  if (!encryption) return { base64, xml, doc, response, assertion, responseSigned, inResponseTo: attr(response, 'InResponseTo'), encryption };
  // A Response signature covers the encrypted form, which is gone; the assertion's own signature is
  // what counts (as for a plain response: node-saml ignores a Response signature that does not verify).
  for (const sig of childElements(response, NS.dsig, 'Signature')) response.removeChild(sig);
  const decryptedXml = new XMLSerializer().serializeToString(doc);
  return { base64: Buffer.from(decryptedXml, 'utf8').toString('base64'), xml: decryptedXml, doc, response, assertion, responseSigned, inResponseTo: attr(response, 'InResponseTo'), encryption };
}

/** Certificates carried in the message's own KeyInfo: never trusted, only used to explain a failure. */
export function embeddedCertificates(envelope: ResponseEnvelope): string[] {
  return descendantElements(envelope.doc, NS.dsig, 'X509Certificate').map((el) => fullText(el));
}
