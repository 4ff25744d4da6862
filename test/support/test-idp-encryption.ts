import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';

/**
 * Assertion encryption the way IdPs do it (sign, then encrypt the signed assertion to the SP's
 * encryption certificate), written independently of src/saml/decrypt-assertion.ts so the two check
 * each other — with knobs for every attack the ACS must refuse.
 */

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

export type DataAlgorithm = 'aes128-gcm' | 'aes256-gcm' | 'aes128-cbc' | 'aes256-cbc' | 'tripledes-cbc';
export type KeyTransport = 'rsa-oaep-mgf1p' | 'rsa-oaep' | 'rsa-1_5';

export const DATA_ALGORITHM_URIS: Record<DataAlgorithm, string> = {
  'aes128-gcm': `${XENC11}aes128-gcm`,
  'aes256-gcm': `${XENC11}aes256-gcm`,
  'aes128-cbc': `${XENC}aes128-cbc`,
  'aes256-cbc': `${XENC}aes256-cbc`,
  'tripledes-cbc': `${XENC}tripledes-cbc`,
};
const KEY_TRANSPORT_URIS: Record<KeyTransport, string> = { 'rsa-oaep-mgf1p': `${XENC}rsa-oaep-mgf1p`, 'rsa-oaep': `${XENC11}rsa-oaep`, 'rsa-1_5': `${XENC}rsa-1_5` };
const DIGEST_URIS = { sha1: 'http://www.w3.org/2000/09/xmldsig#sha1', sha256: `${XENC}sha256` } as const;

export interface EncryptOptions {
  /** The SP encryption certificate (PEM) from its metadata. */
  certPem: string;
  algorithm?: DataAlgorithm;
  keyTransport?: KeyTransport;
  /** OAEP digest (and MGF1 hash for xmlenc11#rsa-oaep). Default sha1. */
  oaepDigest?: 'sha1' | 'sha256';
  /** Name the recipient certificate in the EncryptedKey's KeyInfo (Entra and ADFS do). Default true. */
  includeCert?: boolean;
  /** EncryptedKey inside EncryptedData/KeyInfo (default) or beside EncryptedData (Shibboleth style). */
  keyPlacement?: 'inline' | 'sibling';
  /** Attack knob: CBC whose last padding byte is 0 (invalid), the rest of the ciphertext well-formed. */
  brokenCbcPadding?: boolean;
  /** Attack knob: encrypt this text instead of the assertion (a plaintext that is not XML). */
  plaintext?: string;
  /** Attack knob: extra elements wrapped around the EncryptedKey's KeyInfo content this many levels deep. */
  nestKeyInfo?: number;
}

const KEY_BYTES: Record<DataAlgorithm, number> = { 'aes128-gcm': 16, 'aes256-gcm': 32, 'aes128-cbc': 16, 'aes256-cbc': 32, 'tripledes-cbc': 24 };
const CIPHERS: Record<DataAlgorithm, string> = { 'aes128-gcm': 'aes-128-gcm', 'aes256-gcm': 'aes-256-gcm', 'aes128-cbc': 'aes-128-cbc', 'aes256-cbc': 'aes-256-cbc', 'tripledes-cbc': 'des-ede3-cbc' };

function encryptData(algorithm: DataAlgorithm, key: Buffer, plaintext: Buffer, brokenPadding: boolean): Buffer {
  if (algorithm.endsWith('gcm')) {
    const iv = randomBytes(12);
    const cipher = createCipheriv(CIPHERS[algorithm] as 'aes-128-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }
  const block = algorithm === 'tripledes-cbc' ? 8 : 16;
  const iv = randomBytes(block);
  const cipher = createCipheriv(CIPHERS[algorithm], key, iv);
  if (!brokenPadding) return Buffer.concat([iv, cipher.update(plaintext), cipher.final()]);
  cipher.setAutoPadding(false);
  const padLength = block - (plaintext.length % block);
  const padding = Buffer.alloc(padLength, 0); // last byte 0: not a padding length
  return Buffer.concat([iv, cipher.update(Buffer.concat([plaintext, padding])), cipher.final()]);
}

/** The EncryptedAssertion element for `assertionXml` (a signed, standalone <saml:Assertion>). */
export function encryptAssertion(assertionXml: string, o: EncryptOptions): string {
  const algorithm = o.algorithm ?? 'aes256-gcm';
  const transport = o.keyTransport ?? 'rsa-oaep-mgf1p';
  const digest = o.oaepDigest ?? 'sha1';
  const key = randomBytes(KEY_BYTES[algorithm]);
  const publicKey = new X509Certificate(o.certPem).publicKey;
  const wrapped =
    transport === 'rsa-1_5'
      ? publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key)
      : publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: digest }, key);
  const data = encryptData(algorithm, key, Buffer.from(o.plaintext ?? assertionXml, 'utf8'), o.brokenCbcPadding ?? false);

  const certBody = new X509Certificate(o.certPem).raw.toString('base64');
  let keyInfoContent = o.includeCert === false ? '' : `<ds:X509Data><ds:X509Certificate>${certBody}</ds:X509Certificate></ds:X509Data>`;
  for (let i = 0; i < (o.nestKeyInfo ?? 0); i++) keyInfoContent = `<ds:KeyInfo>${keyInfoContent}</ds:KeyInfo>`;
  const transportParams =
    transport === 'rsa-1_5'
      ? ''
      : `<ds:DigestMethod Algorithm="${DIGEST_URIS[digest]}"/>` + (transport === 'rsa-oaep' ? `<xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${XENC11}mgf1${digest}"/>` : '');
  const encryptedKey =
    `<xenc:EncryptedKey xmlns:xenc="${XENC}"><xenc:EncryptionMethod Algorithm="${KEY_TRANSPORT_URIS[transport]}">${transportParams}</xenc:EncryptionMethod>` +
    (keyInfoContent ? `<ds:KeyInfo xmlns:ds="${DSIG}">${keyInfoContent}</ds:KeyInfo>` : '') +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>`;
  const inline = (o.keyPlacement ?? 'inline') === 'inline';
  return (
    `<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
    `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element"><xenc:EncryptionMethod Algorithm="${DATA_ALGORITHM_URIS[algorithm]}"/>` +
    (inline ? `<ds:KeyInfo xmlns:ds="${DSIG}">${encryptedKey}</ds:KeyInfo>` : '') +
    `<xenc:CipherData><xenc:CipherValue>${data.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>` +
    (inline ? '' : encryptedKey) +
    `</saml:EncryptedAssertion>`
  );
}
