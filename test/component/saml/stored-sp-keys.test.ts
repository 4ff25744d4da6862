/**
 * SP keys and the CSRF key live in the store: created on first start, imported from an older
 * installation's CERTS_DIR, wrapped with KEY_ENCRYPTION_KEY when it is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';
import { call } from '../../support/http';
import { createTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';

const certOf = (metadata: string) => [...metadata.matchAll(/<ds:X509Certificate>([^<]+)</g)].map((m) => m[1]);

describe('SP keys and secrets in the store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-stored-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function start(env: Record<string, string> = {}): Promise<TestServer> {
    return startTestServer({ DATA_DIR: path.join(dir, 'data'), CERTS_DIR: path.join(dir, 'certs'), PUBLIC_URL: 'https://gatehouse.acme.test', ...env });
  }

  test('When an installation upgrades with its SP pair in CERTS_DIR, then the pair (and the CSRF key file) is imported and the metadata keeps its certificate', async () => {
    const old = createSelfSignedCertificate({ commonName: 'old installation', bits: 2048 });
    mkdirSync(path.join(dir, 'certs'));
    writeFileSync(path.join(dir, 'certs', 'sp-key.pem'), old.privateKeyPem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'certs', 'sp-cert.pem'), old.certPem);
    const oldCsrfKey = randomBytes(32).toString('base64url');
    writeFileSync(path.join(dir, 'certs', 'csrf-secret.key'), `${oldCsrfKey}\n`, { mode: 0o600 });
    const server = await start();
    try {
      const team = await createTeam(server);
      const metadata = await call(server.url, 'GET', `/sso/metadata/${team.teamId}`);
      expect(certOf(metadata.text)[0]).toBe(old.certBase64);
      expect(server.logs.join('')).toContain('imported the SAML SP key pair');
      const csrf = (await server.services.store.secrets.list()).find((s) => s.name === 'csrf-hmac-key')!;
      expect(server.services.keyWrap.open(csrf.sealedValue, 'secret:csrf-hmac-key')).toBe(oldCsrfKey);
    } finally {
      await server.close();
    }
    // Once imported, the store is the truth: the files may go, the certificate stays.
    rmSync(path.join(dir, 'certs'), { recursive: true });
    const again = await start();
    try {
      const team = await createTeam(again, 'Beta');
      expect(certOf((await call(again.url, 'GET', `/sso/metadata/${team.teamId}`)).text)[0]).toBe(old.certBase64);
    } finally {
      await again.close();
    }
  });

  test('When no KEY_ENCRYPTION_KEY is set, then the server warns and writes no key file; once one is set every stored key is wrapped and the SP certificate is unchanged', async () => {
    const first = await start();
    let metadata: string;
    let teamId: string;
    try {
      expect(first.logs.join('')).toMatch(/KEY_ENCRYPTION_KEY is not set: the SP private keys and the CSRF key are stored unencrypted/);
      expect(readdirSync(path.join(dir))).not.toContain('certs');
      teamId = (await createTeam(first)).teamId;
      metadata = (await call(first.url, 'GET', `/sso/metadata/${teamId}`)).text;
      const stored = await first.services.store.spKeys.list();
      expect(stored.map((k) => `${k.use}:${k.state}`).sort()).toEqual(['encryption:active', 'signing:active']);
      expect(stored.every((k) => k.sealedPrivateKey.startsWith('plain1.'))).toBe(true);
    } finally {
      await first.close();
    }

    const kek = randomBytes(32).toString('base64');
    const wrapped = await start({ KEY_ENCRYPTION_KEY: kek });
    try {
      expect(wrapped.logs.join('')).not.toContain('KEY_ENCRYPTION_KEY is not set');
      expect(wrapped.logs.join('')).toContain('wrapped stored keys and secrets with KEY_ENCRYPTION_KEY');
      const keys = await wrapped.services.store.spKeys.list();
      const secrets = await wrapped.services.store.secrets.list();
      for (const sealed of [...keys.map((k) => k.sealedPrivateKey), ...secrets.map((s) => s.sealedValue)]) {
        expect(sealed).toMatch(new RegExp(`^gcm1\\.${wrapped.services.keyWrap.currentKekId}\\.`));
        expect(sealed).not.toContain('PRIVATE KEY');
      }
      expect((await call(wrapped.url, 'GET', `/sso/metadata/${teamId}`)).text).toBe(metadata);
    } finally {
      await wrapped.close();
    }

    // Wrapped keys without the KEK (or with another one): the server refuses to start and says which key it needs.
    await expect(start()).rejects.toThrow(/wrapped with key-encryption key [0-9a-f]{16}, but KEY_ENCRYPTION_KEY is not set/);
    await expect(start({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') })).rejects.toThrow(/KEY_ENCRYPTION_KEY_PREVIOUS/);
    // Changing the KEK: the old one named as previous opens the keys, which are re-wrapped under the new one.
    const rotated = await start({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'), KEY_ENCRYPTION_KEY_PREVIOUS: kek });
    try {
      const keys = await rotated.services.store.spKeys.list();
      expect(keys.every((k) => k.sealedPrivateKey.startsWith(`gcm1.${rotated.services.keyWrap.currentKekId}.`))).toBe(true);
      expect((await call(rotated.url, 'GET', `/sso/metadata/${teamId}`)).text).toBe(metadata);
    } finally {
      await rotated.close();
    }
  }, 60_000);
});
