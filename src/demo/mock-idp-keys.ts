import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createSelfSignedCertificate, type KeyAndCertificate } from '../saml/sp-keys';

export const MOCK_IDP_DIR = 'demo-idp';
const KEY_FILE = 'idp-key.pem';
const CERT_FILE = 'idp-cert.pem';

/**
 * The mock IdP's own RSA key and self-signed certificate, kept in the demo data folder
 * (DATA_DIR/demo-idp/), so the team's IdP connection made from its metadata survives a restart
 * of the demo server on the same folder. 2048 bits: a throwaway key, made at every `npm run demo`.
 */
export async function loadOrCreateMockIdpKeys(dataDir: string): Promise<KeyAndCertificate> {
  const dir = path.join(dataDir, MOCK_IDP_DIR);
  const keyFile = path.join(dir, KEY_FILE);
  const certFile = path.join(dir, CERT_FILE);
  try {
    const [privateKeyPem, certPem] = await Promise.all([fs.readFile(keyFile, 'utf8'), fs.readFile(certFile, 'utf8')]);
    return describePair(privateKeyPem, certPem);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fresh = createSelfSignedCertificate({ commonName: 'Gatehouse demo IdP (not for real use)', bits: 2048 });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(keyFile, fresh.privateKeyPem, { mode: 0o600 });
  await fs.writeFile(certFile, fresh.certPem, { mode: 0o644 });
  return fresh;
}

function describePair(privateKeyPem: string, certPem: string): KeyAndCertificate {
  const x509 = new X509Certificate(certPem);
  return { privateKeyPem, certPem, certBase64: x509.raw.toString('base64'), fingerprintSha256: x509.fingerprint256 };
}
