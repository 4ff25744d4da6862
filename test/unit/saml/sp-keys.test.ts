import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadOrCreateSpKeys } from '../../../src/saml/sp-keys';

describe('SP signing key and certificate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-certs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('When Gatehouse starts without certificates, then it generates a 3072-bit RSA key (0600) and a matching self-signed cert', async () => {
    const certs = path.join(dir, 'certs');
    const keys = await loadOrCreateSpKeys(certs, { commonName: 'gatehouse.acme.test' });
    expect(keys.created).toBe(true);
    expect(keys.warnings).toEqual([]);
    expect(statSync(path.join(certs, 'sp-key.pem')).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(readFileSync(path.join(certs, 'sp-cert.pem')));
    expect(x509.subject).toContain('CN=gatehouse.acme.test');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x509.checkPrivateKey(createPrivateKey(keys.privateKeyPem))).toBe(true);
    expect(keys.certBase64).toBe(x509.raw.toString('base64'));
  });

  it('When Gatehouse restarts, then it loads the same pair instead of generating a new one', async () => {
    const first = await loadOrCreateSpKeys(dir, { bits: 2048 });
    const second = await loadOrCreateSpKeys(dir, { bits: 2048 });
    expect(second.created).toBe(false);
    expect(second.fingerprintSha256).toBe(first.fingerprintSha256);
  });

  it('When two instances start at once on an empty directory, then both end up with the same pair', async () => {
    const [a, b] = await Promise.all([loadOrCreateSpKeys(dir, { bits: 2048 }), loadOrCreateSpKeys(dir, { bits: 2048 })]);
    expect(a.fingerprintSha256).toBe(b.fingerprintSha256);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('When only the certificate is left on disk, then startup fails instead of silently replacing the key', async () => {
    await loadOrCreateSpKeys(dir, { bits: 2048 });
    rmSync(path.join(dir, 'sp-key.pem'));
    await expect(loadOrCreateSpKeys(dir)).rejects.toThrow(/sp-key.pem is missing/);
  });

  it('When the key and certificate do not belong together, then startup fails', async () => {
    await loadOrCreateSpKeys(dir, { bits: 2048 });
    const other = mkdtempSync(path.join(tmpdir(), 'gatehouse-other-'));
    await loadOrCreateSpKeys(other, { bits: 2048 });
    writeFileSync(path.join(dir, 'sp-cert.pem'), readFileSync(path.join(other, 'sp-cert.pem')));
    rmSync(other, { recursive: true, force: true });
    await expect(loadOrCreateSpKeys(dir)).rejects.toThrow(/do not belong together/);
  });

  it('When the key file is world-readable, then it loads with a warning to chmod it', async () => {
    await loadOrCreateSpKeys(dir, { bits: 2048 });
    chmodSync(path.join(dir, 'sp-key.pem'), 0o644);
    const keys = await loadOrCreateSpKeys(dir);
    expect(keys.warnings.join()).toMatch(/chmod 600/);
  });
});
