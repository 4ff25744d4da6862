import { createDecipheriv, privateDecrypt, constants } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { certificateBody } from './certificates';
import { parseCertificateCached } from './certificates';
import type { CheckLog } from './response-checks';
import { sanitizeIdpText } from './idp-status';
import { NS, attr, childElements, descendantElements, fullText, isA, isElement, parseXmlStrict } from './xml';

/**
 * EncryptedAssertion → the Assertion inside, put back where the EncryptedAssertion was, so the
 * decrypted assertion then meets exactly the checks a plain one meets (one assertion, signed by
 * the IdP's stored certificate, conditions, InResponseTo, NameID policy). Written over node:crypto
 * rather than with xml-encryption (docs/DECISIONS-saml.md): we pick the key by certificate among
 * several (rollover), accept only the algorithms below, and make every decryption failure — a bad
 * CBC padding included — one and the same refusal.
 */

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';

interface DataAlgorithm {
  name: string;
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'aes-128-cbc' | 'aes-256-cbc';
  keyBytes: number;
  mode: 'gcm' | 'cbc';
}

/** Block encryption we accept for the assertion (ADFS sends AES-256-CBC by default). */
export const DATA_ALGORITHMS: Readonly<Record<string, DataAlgorithm>> = {
  [`${XENC11}aes128-gcm`]: { name: 'AES-128-GCM', cipher: 'aes-128-gcm', keyBytes: 16, mode: 'gcm' },
  [`${XENC11}aes256-gcm`]: { name: 'AES-256-GCM', cipher: 'aes-256-gcm', keyBytes: 32, mode: 'gcm' },
  [`${XENC}aes128-cbc`]: { name: 'AES-128-CBC', cipher: 'aes-128-cbc', keyBytes: 16, mode: 'cbc' },
  [`${XENC}aes256-cbc`]: { name: 'AES-256-CBC', cipher: 'aes-256-cbc', keyBytes: 32, mode: 'cbc' },
};

export const RSA_OAEP_MGF1P = `${XENC}rsa-oaep-mgf1p`;
export const RSA_OAEP = `${XENC11}rsa-oaep`;
/** Key transport we accept: RSA-OAEP only. */
export const KEY_TRANSPORT_ALGORITHMS = [RSA_OAEP_MGF1P, RSA_OAEP] as const;
const RSA_PKCS1_V15 = `${XENC}rsa-1_5`;

const DIGESTS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha512'>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  [`${XENC}sha256`]: 'sha256',
  [`${XENC}sha512`]: 'sha512',
};
const MGFS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha512'>> = {
  [`${XENC11}mgf1sha1`]: 'sha1',
  [`${XENC11}mgf1sha256`]: 'sha256',
  [`${XENC11}mgf1sha512`]: 'sha512',
};

/** Real EncryptedAssertions are 2-200 KB; this bounds the work before any key is touched. */
export const MAX_CIPHERTEXT_BYTES = 256 * 1024;
/** EncryptedAssertion/EncryptedData/KeyInfo/EncryptedKey/KeyInfo/X509Data/X509Certificate is 7 deep. */
export const MAX_ENCRYPTED_DEPTH = 12;
/** One EncryptedKey per recipient; a handful at most. */
const MAX_ENCRYPTED_KEYS = 4;

export interface DecryptionKey {
  privateKeyPem: string;
  certBase64: string;
  fingerprintSha256: string;
}

/** What the test-connection report shows about an encrypted assertion. */
export interface EncryptionInfo {
  dataAlgorithm: string;
  keyTransport: string;
  /** CBC has no integrity: until the IdP's signature verifies, no failure may say more than "could not decrypt". */
  unauthenticated: boolean;
  certificateFingerprint: string;
}

const UNDECRYPTABLE =
  "the encrypted assertion could not be decrypted with this SP's encryption keys (encrypted to another key, or damaged or altered on the way); have the IdP read the SP metadata again";

/** Element depth below `root`, walked without recursion (a hostile document may be very deep); stops at `limit` + 1. */
function depthBelow(root: Element, limit: number): number {
  let deepest = 0;
  const stack: Array<[Node, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (let n = node.firstChild; n; n = n.nextSibling) if (isElement(n)) stack.push([n, depth + 1]);
  }
  return deepest;
}

function base64Bytes(el: Element | undefined, what: string, log: CheckLog): Buffer {
  const text = el ? fullText(el).replace(/\s+/g, '') : '';
  if (!text || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) log.fail('decryption', 'encrypted-assertion-malformed', `the ${what} is missing or not base64`);
  return Buffer.from(text, 'base64');
}

function algorithmOf(el: Element, log: CheckLog, what: string): string {
  const method = childElements(el, XENC, 'EncryptionMethod')[0];
  const algorithm = method ? attr(method, 'Algorithm') : undefined;
  if (!algorithm) log.fail('decryption', 'encrypted-assertion-malformed', `the ${what} names no EncryptionMethod`);
  return algorithm;
}

/** RSA-OAEP parameters node:crypto can apply (one hash for OAEP and MGF1), or a refusal that names the algorithm. */
function oaepHashOf(encryptedKey: Element, log: CheckLog): { hash: 'sha1' | 'sha256' | 'sha512'; name: string } {
  const algorithm = algorithmOf(encryptedKey, log, 'EncryptedKey');
  if (algorithm === RSA_PKCS1_V15) {
    log.fail(
      'decryption',
      'encryption-algorithm-unsupported',
      'the key is transported with RSA PKCS#1 v1.5 (rsa-1_5), which Gatehouse refuses (Bleichenbacher padding-oracle attacks); set the IdP to RSA-OAEP',
    );
  }
  if (!(KEY_TRANSPORT_ALGORITHMS as readonly string[]).includes(algorithm)) {
    log.fail('decryption', 'encryption-algorithm-unsupported', `key transport ${sanitizeIdpText(algorithm, 120)} is not accepted; use RSA-OAEP (${RSA_OAEP_MGF1P})`);
  }
  const method = childElements(encryptedKey, XENC, 'EncryptionMethod')[0]!;
  const digestEl = childElements(method, NS.dsig, 'DigestMethod')[0];
  const digestUri = digestEl ? attr(digestEl, 'Algorithm') ?? '' : 'http://www.w3.org/2000/09/xmldsig#sha1';
  const digest = DIGESTS[digestUri];
  const mgfEl = childElements(method, XENC11, 'MGF')[0];
  // rsa-oaep-mgf1p fixes MGF1 with SHA-1; xmlenc11#rsa-oaep names it (default SHA-1 too).
  const mgf = algorithm === RSA_OAEP_MGF1P ? 'sha1' : mgfEl ? MGFS[attr(mgfEl, 'Algorithm') ?? ''] : 'sha1';
  if (!digest || !mgf || digest !== mgf) {
    log.fail(
      'decryption',
      'encryption-algorithm-unsupported',
      `RSA-OAEP with digest ${sanitizeIdpText(digestUri, 120)} and mask generation MGF1-${mgf ?? 'unknown'} is not supported; use RSA-OAEP with SHA-1, or xmlenc11#rsa-oaep with the same hash for digest and MGF1`,
    );
  }
  return { hash: digest, name: `RSA-OAEP (${digest.toUpperCase().replace('SHA', 'SHA-')})` };
}

/** The EncryptedKeys of this EncryptedData: inside its KeyInfo, or beside it in the EncryptedAssertion. */
function encryptedKeysOf(encryptedAssertion: Element, encryptedData: Element): Element[] {
  const keyInfo = childElements(encryptedData, NS.dsig, 'KeyInfo')[0];
  const inline = keyInfo ? childElements(keyInfo, XENC, 'EncryptedKey') : [];
  return [...inline, ...childElements(encryptedAssertion, XENC, 'EncryptedKey')];
}

/** Our keys this EncryptedKey may be for: the one its certificate names, else all of them. */
function candidateKeys(encryptedKey: Element, keys: readonly DecryptionKey[]): DecryptionKey[] | 'foreign' {
  const named = descendantElements(encryptedKey, NS.dsig, 'X509Certificate').map((el) => certificateBody(fullText(el)));
  if (named.length === 0) return [...keys];
  const ours = keys.filter((k) => named.includes(k.certBase64));
  return ours.length > 0 ? ours : 'foreign';
}

function foreignKeyReason(encryptedKeys: Element[]): string {
  const body = descendantElements(encryptedKeys[0]!, NS.dsig, 'X509Certificate').map((el) => fullText(el))[0] ?? '';
  let fingerprint = 'unreadable';
  try {
    fingerprint = parseCertificateCached(body).fingerprint256;
  } catch {
    // Only for the message.
  }
  return `the assertion is encrypted to certificate ${fingerprint}, which is not one of this SP's encryption certificates; have the IdP read the SP metadata again (or upload the current encryption certificate)`;
}

function unwrapKey(encryptedKey: Element, keys: readonly DecryptionKey[], hash: string, keyBytes: number, log: CheckLog): { key: Buffer; by: DecryptionKey } | null {
  const wrapped = base64Bytes(childElements(childElements(encryptedKey, XENC, 'CipherData')[0] ?? encryptedKey, XENC, 'CipherValue')[0], 'EncryptedKey CipherValue', log);
  for (const candidate of keys) {
    try {
      const key = privateDecrypt({ key: candidate.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, wrapped);
      if (key.length === keyBytes) return { key, by: candidate };
    } catch {
      // Not this key (or not a key at all): the next one, then the one uniform refusal.
    }
  }
  return null;
}

/**
 * Decrypts and parses, returning null for any failure. For CBC the padding is checked without an
 * early exit and the text is parsed either way, so a bad padding and a bad plaintext cost about the
 * same and end in the same refusal (no padding oracle in status, label or timing).
 */
function openData(algorithm: DataAlgorithm, key: Buffer, data: Buffer): Document | null {
  let plaintext: Buffer;
  let paddingOk = true;
  try {
    if (algorithm.mode === 'gcm') {
      if (data.length < 12 + 16) return null;
      const decipher = createDecipheriv(algorithm.cipher as 'aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      plaintext = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    } else {
      if (data.length < 32 || data.length % 16 !== 0) return null;
      const decipher = createDecipheriv(algorithm.cipher, key, data.subarray(0, 16));
      decipher.setAutoPadding(false); // XML Encryption padding: only the last byte (the length) is defined
      const padded = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
      const pad = padded[padded.length - 1]!;
      paddingOk = pad >= 1 && pad <= 16;
      plaintext = padded.subarray(0, padded.length - (paddingOk ? pad : 0));
    }
  } catch {
    return null;
  }
  let doc: Document | null = null;
  try {
    doc = parseXmlStrict(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    doc = null;
  }
  return paddingOk ? doc : null;
}

export interface DecryptInput {
  keys: readonly DecryptionKey[];
  requireEncryption: boolean;
}

/**
 * If the Response carries an EncryptedAssertion: checks its shape and algorithms, decrypts it with
 * our keys and replaces it in `doc` by the Assertion inside. Returns what was used, or null for a
 * plain assertion (refused when encryption is required). Every refusal is a labelled check.
 */
export function decryptEncryptedAssertion(doc: Document, response: Element, input: DecryptInput, log: CheckLog): EncryptionInfo | null {
  const direct = childElements(response, NS.assertion, 'EncryptedAssertion');
  if (direct.length === 0) {
    if (input.requireEncryption && childElements(response, NS.assertion, 'Assertion').length > 0) {
      log.fail(
        'decryption',
        'encryption-required',
        'this connection requires encrypted assertions, but the assertion arrived unencrypted; turn on assertion encryption at the IdP with the encryption certificate from the SP metadata',
      );
    }
    if (descendantElements(doc, NS.assertion, 'EncryptedAssertion').length > 0) {
      log.fail('assertion-count', 'signature-wrapped', 'an EncryptedAssertion is hidden below the Response; assertions may only appear directly in the Response (signature wrapping)');
    }
    log.pass('decryption', 'assertion not encrypted');
    return null;
  }
  if (direct.length > 1) log.fail('assertion-count', 'multiple-assertions', `the Response carries ${direct.length} encrypted assertions; exactly one is accepted`);
  const encryptedAssertion = direct[0]!;
  // An encrypted assertion beside a plain one: whichever a reader picks, the other was smuggled in.
  if (descendantElements(doc, NS.assertion, 'Assertion').length > 0) {
    log.fail('assertion-count', 'signature-wrapped', 'the Response carries a plain Assertion beside the EncryptedAssertion (signature wrapping)');
  }
  const depth = depthBelow(encryptedAssertion, MAX_ENCRYPTED_DEPTH);
  if (depth > MAX_ENCRYPTED_DEPTH) log.fail('decryption', 'encrypted-assertion-malformed', `the EncryptedAssertion is nested more than ${MAX_ENCRYPTED_DEPTH} elements deep; real ones are about 7`);
  const dataElements = childElements(encryptedAssertion, XENC, 'EncryptedData');
  if (dataElements.length !== 1) log.fail('decryption', 'encrypted-assertion-malformed', `the EncryptedAssertion holds ${dataElements.length} EncryptedData elements; exactly one is expected`);
  const encryptedData = dataElements[0]!;
  const dataUri = algorithmOf(encryptedData, log, 'EncryptedData');
  const dataAlgorithm = DATA_ALGORITHMS[dataUri];
  if (!dataAlgorithm) {
    log.fail('decryption', 'encryption-algorithm-unsupported', `the assertion is encrypted with ${sanitizeIdpText(dataUri, 120)}; accepted: AES-128/256-GCM and AES-128/256-CBC`);
  }
  const cipherData = childElements(encryptedData, XENC, 'CipherData')[0];
  const data = base64Bytes(cipherData ? childElements(cipherData, XENC, 'CipherValue')[0] : undefined, 'EncryptedData CipherValue', log);
  if (data.length > MAX_CIPHERTEXT_BYTES) log.fail('decryption', 'encrypted-assertion-malformed', `the encrypted assertion is ${data.length} bytes; the limit is ${MAX_CIPHERTEXT_BYTES}`);

  const encryptedKeys = encryptedKeysOf(encryptedAssertion, encryptedData);
  if (encryptedKeys.length === 0) log.fail('decryption', 'encrypted-assertion-malformed', 'the EncryptedAssertion carries no EncryptedKey (the key must be RSA-OAEP-encrypted to the SP encryption certificate)');
  if (encryptedKeys.length > MAX_ENCRYPTED_KEYS) log.fail('decryption', 'encrypted-assertion-malformed', `the EncryptedAssertion carries ${encryptedKeys.length} EncryptedKeys; at most ${MAX_ENCRYPTED_KEYS} are read`);
  const transports = encryptedKeys.map((k) => oaepHashOf(k, log));
  const candidates = encryptedKeys.map((k) => candidateKeys(k, input.keys));
  if (candidates.every((c) => c === 'foreign')) log.fail('decryption', 'encryption-key-unknown', foreignKeyReason(encryptedKeys));

  for (let i = 0; i < encryptedKeys.length; i++) {
    const keys = candidates[i]!;
    if (keys === 'foreign') continue;
    const unwrapped = unwrapKey(encryptedKeys[i]!, keys, transports[i]!.hash, dataAlgorithm.keyBytes, log);
    if (!unwrapped) continue;
    const decrypted = openData(dataAlgorithm, unwrapped.key, data);
    const assertion = decrypted?.documentElement;
    if (!decrypted || !assertion || !isA(assertion, NS.assertion, 'Assertion')) break;
    response.replaceChild(doc.importNode(assertion, true), encryptedAssertion);
    const info: EncryptionInfo = {
      dataAlgorithm: dataAlgorithm.name,
      keyTransport: transports[i]!.name,
      unauthenticated: dataAlgorithm.mode === 'cbc',
      certificateFingerprint: unwrapped.by.fingerprintSha256,
    };
    log.pass('decryption', `assertion encrypted with ${info.dataAlgorithm}, key transported with ${info.keyTransport} to SP encryption certificate ${info.certificateFingerprint}; decrypted`);
    return info;
  }
  return log.fail('decryption', 'encrypted-assertion-undecryptable', UNDECRYPTABLE);
}

/** The uniform refusal for any decryption failure (also what a CBC failure before the signature becomes). */
export const UNDECRYPTABLE_REASON = UNDECRYPTABLE;
