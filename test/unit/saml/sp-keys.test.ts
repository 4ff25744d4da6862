import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createSelfSignedCertificate, createSelfSignedCertificateAsync, readSpKeyFiles } from '../../../src/saml/sp-keys';

describe('SP key pairs and the CERTS_DIR import', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-certs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('When a pair is generated, then it is a 3072-bit RSA key with a matching self-signed certificate', async () => {
    const keys = await createSelfSignedCertificateAsync({ commonName: 'gatehouse.acme.test' });
    const x509 = new X509Certificate(keys.certPem);
    expect(x509.subject).toContain('CN=gatehouse.acme.test');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x509.checkPrivateKey(createPrivateKey(keys.privateKeyPem))).toBe(true);
    expect(keys.certBase64).toBe(x509.raw.toString('base64'));
  });

  it('When CERTS_DIR holds no pair, then there is nothing to import', async () => {
    await expect(readSpKeyFiles(dir)).resolves.toBeNull();
    await expect(readSpKeyFiles(path.join(dir, 'missing'))).resolves.toBeNull();
  });

  it('When CERTS_DIR holds an older installation\'s pair (PKCS#1 key file), then it is read and the key normalised to PKCS#8', async () => {
    const pair = createSelfSignedCertificate({ commonName: 'old', bits: 2048 });
    writeFileSync(path.join(dir, 'sp-key.pem'), createPrivateKey(pair.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }));
    writeFileSync(path.join(dir, 'sp-cert.pem'), pair.certPem);
    const read = await readSpKeyFiles(dir);
    expect(read?.fingerprintSha256).toBe(pair.fingerprintSha256);
    expect(read?.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('When only the certificate is left on disk, then the import fails instead of silently replacing the key', async () => {
    writeFileSync(path.join(dir, 'sp-cert.pem'), createSelfSignedCertificate({ commonName: 'x', bits: 2048 }).certPem);
    await expect(readSpKeyFiles(dir)).rejects.toThrow(/sp-key.pem is missing/);
  });

  it('When the key and certificate do not belong together, then the import fails', async () => {
    writeFileSync(path.join(dir, 'sp-cert.pem'), createSelfSignedCertificate({ commonName: 'x', bits: 2048 }).certPem);
    writeFileSync(path.join(dir, 'sp-key.pem'), createSelfSignedCertificate({ commonName: 'y', bits: 2048 }).privateKeyPem);
    await expect(readSpKeyFiles(dir)).rejects.toThrow(/do not belong together/);
  });

  it('When the key file holds an EC key, then the import names the problem (SAML SP keys are RSA)', async () => {
    writeFileSync(path.join(dir, 'sp-cert.pem'), createSelfSignedCertificate({ commonName: 'x', bits: 2048 }).certPem);
    writeFileSync(path.join(dir, 'sp-key.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(readSpKeyFiles(dir)).rejects.toThrow(/must be an RSA key/);
  });
});
