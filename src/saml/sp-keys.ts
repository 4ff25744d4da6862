import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

/** The files an installation from before stored keys kept its SP pair in; imported on first start. */
export const SP_KEY_FILE = 'sp-key.pem';
export const SP_CERT_FILE = 'sp-cert.pem';

// 3072-bit RSA (NIST: good past 2030) costs ~0.6 s with node:crypto on our CI box, once per key
// pair, so we do not drop to 2048. Measured in docs/DECISIONS-saml.md.
const DEFAULT_BITS = 3072;
// IdPs ignore the dates of an SP certificate when they check signatures, but some warn about and
// refuse to encrypt to expired ones; ten years, with `gatehouse sp-keys stage` for planned rotation.
const DEFAULT_VALIDITY_DAYS = 3650;

export interface KeyAndCertificate {
  privateKeyPem: string;
  certPem: string;
  /** The certificate's DER as one base64 line, as it goes into <ds:X509Certificate>. */
  certBase64: string;
  fingerprintSha256: string;
}

export interface CertificateOptions {
  commonName: string;
  bits?: number;
  validityDays?: number;
  now?: Date;
}

/** A self-signed SHA-256 certificate for `privateKey` (forge: node:crypto cannot issue certificates). */
function selfSign(privateKey: KeyObject, options: CertificateOptions): KeyAndCertificate {
  const now = options.now ?? new Date();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  // Positive, random serial: RFC 5280 wants it unique per issuer, and we are our own issuer.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + (options.validityDays ?? DEFAULT_VALIDITY_DAYS) * 86_400_000);
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return describeKeyPair(privateKeyPem, forge.pki.certificateToPem(cert));
}

/** A fresh RSA key with a self-signed SHA-256 certificate. */
export function createSelfSignedCertificate(options: CertificateOptions): KeyAndCertificate {
  return selfSign(generateKeyPairSync('rsa', { modulusLength: options.bits ?? DEFAULT_BITS }).privateKey, options);
}

const generateRsa = promisify(generateKeyPair);

/** As createSelfSignedCertificate, with the key generated on the thread pool (several pairs at once, no blocked event loop). */
export async function createSelfSignedCertificateAsync(options: CertificateOptions): Promise<KeyAndCertificate> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: options.bits ?? DEFAULT_BITS });
  return selfSign(privateKey, options);
}

export function describeKeyPair(privateKeyPem: string, certPem: string): KeyAndCertificate {
  const x509 = new X509Certificate(certPem);
  return { privateKeyPem, certPem, certBase64: x509.raw.toString('base64'), fingerprintSha256: x509.fingerprint256 };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Refuses a key/cert pair that does not belong together: signing with one and publishing the other breaks every login. */
function validatePair(privateKeyPem: string, certPem: string, dir: string): KeyAndCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new Error(`${path.join(dir, SP_CERT_FILE)} is not a PEM X.509 certificate`);
  }
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error(`${path.join(dir, SP_KEY_FILE)} is not an unencrypted PEM private key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`${path.join(dir, SP_KEY_FILE)} must be an RSA key (got ${key.asymmetricKeyType})`);
  }
  if (!x509.checkPrivateKey(key)) {
    throw new Error(`${SP_KEY_FILE} and ${SP_CERT_FILE} in ${dir} do not belong together`);
  }
  // Stored as PKCS#8 whatever the file held (PKCS#1 "RSA PRIVATE KEY" files are common).
  return describeKeyPair(key.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem);
}

/**
 * The SP pair an older installation kept in `dir` (sp-key.pem + sp-cert.pem), or null when there
 * is none. Half a pair is an operator mistake we refuse to paper over: generating a new pair
 * instead would silently break every IdP that trusts the old certificate.
 */
export async function readSpKeyFiles(dir: string): Promise<KeyAndCertificate | null> {
  const keyFile = path.join(dir, SP_KEY_FILE);
  const certFile = path.join(dir, SP_CERT_FILE);
  const [keyPem, certPem] = await Promise.all([readIfExists(keyFile), readIfExists(certFile)]);
  if (keyPem === undefined && certPem === undefined) return null;
  if (keyPem === undefined) throw new Error(`${certFile} exists but ${keyFile} is missing; restore it, or remove both to have a new pair generated`);
  if (certPem === undefined) throw new Error(`${keyFile} exists but ${certFile} is missing; restore it, or remove both to have a new pair generated`);
  return validatePair(keyPem, certPem, dir);
}
