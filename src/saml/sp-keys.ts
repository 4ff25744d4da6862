import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import forge from 'node-forge';

export const SP_KEY_FILE = 'sp-key.pem';
export const SP_CERT_FILE = 'sp-cert.pem';

// 3072-bit RSA (NIST: good past 2030) costs ~0.6 s with node:crypto on our CI box, once per
// installation, so we do not drop to 2048. Measured in docs/DECISIONS-saml.md.
const DEFAULT_BITS = 3072;
// The certificate is only a key carrier in SAML metadata (IdPs ignore its dates when checking
// signatures); a long validity avoids surprise expiry. Rotation is a documented manual step.
const DEFAULT_VALIDITY_DAYS = 3650;

export interface KeyAndCertificate {
  privateKeyPem: string;
  certPem: string;
  /** The certificate's DER as one base64 line, as it goes into <ds:X509Certificate>. */
  certBase64: string;
  fingerprintSha256: string;
}

export interface LoadedSpKeys extends KeyAndCertificate {
  created: boolean;
  warnings: string[];
}

export interface CertificateOptions {
  commonName: string;
  bits?: number;
  validityDays?: number;
  now?: Date;
}

/** A fresh RSA key with a self-signed SHA-256 certificate (node:crypto for the key, forge for the cert). */
export function createSelfSignedCertificate(options: CertificateOptions): KeyAndCertificate {
  const bits = options.bits ?? DEFAULT_BITS;
  const now = options.now ?? new Date();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
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
  return describe(privateKeyPem, forge.pki.certificateToPem(cert));
}

function describe(privateKeyPem: string, certPem: string): KeyAndCertificate {
  const x509 = new X509Certificate(certPem);
  return {
    privateKeyPem,
    certPem,
    certBase64: x509.raw.toString('base64'),
    fingerprintSha256: x509.fingerprint256,
  };
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
  return describe(privateKeyPem, certPem);
}

/** Writes via a temp file + hard link so a concurrent starter never sees half a file or overwrites ours. */
async function writeExclusive(file: string, content: string, mode: number): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { mode });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/**
 * Loads `dir/sp-key.pem` + `dir/sp-cert.pem`, generating both on first start. Half a pair on
 * disk is an operator mistake we refuse to paper over (regenerating would silently break every
 * IdP that trusts the old certificate).
 */
export async function loadOrCreateSpKeys(
  dir: string,
  options: Partial<CertificateOptions> = {},
): Promise<LoadedSpKeys> {
  const keyFile = path.join(dir, SP_KEY_FILE);
  const certFile = path.join(dir, SP_CERT_FILE);
  let keyPem = await readIfExists(keyFile);
  let certPem = await readIfExists(certFile);
  let created = false;

  if (keyPem === undefined && certPem === undefined) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const fresh = createSelfSignedCertificate({ ...options, commonName: options.commonName ?? 'Gatehouse SAML SP' });
    // Key first: whoever wins the key race also writes the cert; a loser waits for it below.
    if (await writeExclusive(keyFile, fresh.privateKeyPem, 0o600)) {
      await writeExclusive(certFile, fresh.certPem, 0o644);
      created = true;
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      keyPem = await readIfExists(keyFile);
      certPem = await readIfExists(certFile);
      if (keyPem !== undefined && certPem !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (keyPem === undefined) throw new Error(`${certFile} exists but ${keyFile} is missing; restore it or remove both to generate a new pair`);
  if (certPem === undefined) throw new Error(`${keyFile} exists but ${certFile} is missing; restore it or remove both to generate a new pair`);

  const pair = validatePair(keyPem, certPem, dir);
  const warnings: string[] = [];
  const mode = (await fs.stat(keyFile)).mode & 0o777;
  if (mode & 0o077) warnings.push(`${keyFile} is readable by group/others (mode ${mode.toString(8)}); chmod 600 it`);
  const notAfter = new Date(new X509Certificate(certPem).validTo);
  if (notAfter.getTime() < Date.now()) warnings.push(`${certFile} expired on ${notAfter.toISOString()}; see the rotation steps in docs`);
  return { ...pair, created, warnings };
}
