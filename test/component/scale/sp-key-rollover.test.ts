/**
 * SP key rollover across two real processes on one store: `gatehouse sp-keys stage → activate →
 * retire` from the CLI while both serve, with sign-ins (started on one process, finished on the
 * other, assertions encrypted to the old or the new certificate) succeeding at every step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toPem } from '../../../src/saml/certificates';
import { call } from '../../support/http';
import { withCookies } from '../../support/sso';
import { newId, parseFormPostHtml, TestIdp } from '../../support/test-idp';
import { runCli, sharedStoreEnv, sharedStoreName, startProcess, type GatehouseProcess } from './processes';

const PUBLIC_URL = 'http://gatehouse.test';
jest.setTimeout(60_000);

function certsOf(metadata: string, use: 'signing' | 'encryption'): string[] {
  const pattern = new RegExp(`<md:KeyDescriptor use="${use}">[\\s\\S]*?<ds:X509Certificate>([^<]+)</ds:X509Certificate>`, 'g');
  return [...metadata.matchAll(pattern)].map((m) => m[1]!);
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`SP key rollover across two processes on ${sharedStoreName}`, () => {
  let dir: string;
  let env: Record<string, string>;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let teamId: string;
  let idpId: string;
  const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
  const sp = () => ({ entityId: `${PUBLIC_URL}/sso/metadata/${teamId}`, acsUrl: `${PUBLIC_URL}/sso/finalize-login/${teamId}` });
  const metadataOf = async (p: GatehouseProcess) => (await call(p.url, 'GET', `/sso/metadata/${teamId}`)).text;
  const gatehouse = async (...args: string[]) => {
    const run = await runCli(['sp-keys', ...args, '--json'], env);
    if (run.code !== 0) throw new Error(`sp-keys ${args.join(' ')} failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-rollover-'));
    env = { ...sharedStoreEnv(dir), PUBLIC_URL, KEY_ENCRYPTION_KEY: 'zmXz3bq7g9o0tCw3vGq6mV1cS8yJm2P8n8oQyT2rZkE=' };
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'ada-password-1\n');
    if (created.code !== 0) throw new Error(created.stderr);
    teamId = JSON.parse(created.stdout).team.id;
    a = await startProcess({ ...env, CERTS_DIR: path.join(dir, 'certs-a') }, 80_000);
    b = await startProcess({ ...env, CERTS_DIR: path.join(dir, 'certs-b') }, 80_000);
    const token = (await call(a.url, 'POST', '/login?persist=false', { json: { email: 'ada@acme.test', password: 'ada-password-1' } })).body.access_token;
    const connected = await call(a.url, 'POST', '/identity-providers', { token, body: idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }), headers: { 'content-type': 'application/xml' } });
    expect(connected.status).toBe(201);
    idpId = connected.body.id;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts on `start` (its AuthnRequest must verify with `signingCert`), answers encrypted to `encryptTo`, finishes on `finish`. */
  async function signIn(start: GatehouseProcess, finish: GatehouseProcess, signingCert: string, encryptTo: string) {
    const page = await call(start.url, 'GET', `/sso/initiate-login/${idpId}`);
    const form = parseFormPostHtml(page.text).fields;
    const cookie = withCookies('', page.headers); // the one browser carries its login-CSRF binding cookie from A to B
    const request = idp.parseAuthnRequest({ form }, toPem(signingCert));
    const nameId = `p${newId().slice(1, 9)}@acme.test`;
    const samlResponse = idp.responseBase64({ sp: sp(), inResponseTo: request.id, nameId, encrypt: { certPem: toPem(encryptTo), algorithm: 'aes256-cbc' } });
    const res = await fetch(`${finish.url}/sso/finalize-login/${teamId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: form.RelayState! }).toString(),
      redirect: 'manual',
    });
    await res.text();
    return { location: res.headers.get('location'), signedIn: /gh_session=[^;]+/.test(res.headers.get('set-cookie') ?? '') };
  }

  /** A's AuthnRequests verify with `cert` (B's are checked by the sign-ins started there). */
  const signsWith = async (p: GatehouseProcess, cert: string) => {
    const form = parseFormPostHtml((await call(p.url, 'GET', `/sso/initiate-login/${idpId}`)).text).fields;
    try {
      idp.parseAuthnRequest({ form }, toPem(cert));
      return true;
    } catch {
      return null;
    }
  };

  test('When the operator stages, activates and retires the SP keys, then both processes follow within seconds and sign-ins succeed at every step', async () => {
    const initial = await metadataOf(a);
    expect(await metadataOf(b)).toBe(initial);
    const [oldSigning] = certsOf(initial, 'signing');
    const [oldEncryption] = certsOf(initial, 'encryption');
    expect(await gatehouse('status')).toMatchObject({ phase: 'steady', warnings: [] });
    expect(await signIn(a, b, oldSigning!, oldEncryption!)).toEqual({ location: '/me', signedIn: true });

    // Stage: the next pair is published beside the current one, on both processes, without a restart.
    const staged = await gatehouse('stage');
    expect(staged.phase).toBe('staged');
    expect(staged.keys.map((k: { state: string; use: string }) => `${k.state}:${k.use}`)).toEqual(['active:encryption', 'active:signing', 'staged:encryption', 'staged:signing']);
    const overlap = await until('both processes to publish the staged pair', async () => {
      const [ma, mb] = await Promise.all([metadataOf(a), metadataOf(b)]);
      return ma === mb && certsOf(ma, 'signing').length === 2 && certsOf(ma, 'encryption').length === 2 ? ma : null;
    });
    expect(certsOf(overlap, 'signing')[0]).toBe(oldSigning);
    const newSigning = certsOf(overlap, 'signing')[1]!;
    const newEncryption = certsOf(overlap, 'encryption')[1]!;
    // Still signing with the old key; assertions encrypted to either certificate open.
    expect(await signIn(b, a, oldSigning!, newEncryption)).toEqual({ location: '/me', signedIn: true });
    expect(await signIn(a, b, oldSigning!, oldEncryption!)).toEqual({ location: '/me', signedIn: true });

    // Activate: AuthnRequests are signed with the new key; the old certificate still decrypts.
    expect((await gatehouse('activate')).phase).toBe('activated');
    await until('A to sign with the new key', () => signsWith(a, newSigning));
    await until('B to sign with the new key', () => signsWith(b, newSigning));
    const activated = await metadataOf(a);
    expect(certsOf(activated, 'signing')).toEqual([newSigning, oldSigning]);
    expect(certsOf(activated, 'encryption')).toEqual([newEncryption, oldEncryption]);
    expect(await signIn(a, b, newSigning, oldEncryption!)).toEqual({ location: '/me', signedIn: true });
    expect(await signIn(b, a, newSigning, newEncryption)).toEqual({ location: '/me', signedIn: true });

    // Retire: the old pair leaves the metadata and decryption.
    expect((await gatehouse('retire')).phase).toBe('steady');
    await until('both processes to drop the old pair', async () => {
      const [ma, mb] = await Promise.all([metadataOf(a), metadataOf(b)]);
      return ma === mb && certsOf(ma, 'signing').length === 1 ? true : null;
    });
    expect(certsOf(await metadataOf(b), 'encryption')).toEqual([newEncryption]);
    expect(await signIn(b, a, newSigning, newEncryption)).toEqual({ location: '/me', signedIn: true });
    const toOld = await signIn(a, b, newSigning, oldEncryption!);
    expect(toOld.signedIn).toBe(false);
    expect(toOld.location).toContain('label=encryption-key-unknown');
  });

  test('When a step is run out of order, then the CLI says what to do instead and changes nothing', async () => {
    const before = await metadataOf(a);
    for (const [step, label] of [['activate', 'sp-keys-nothing-staged'], ['retire', 'sp-keys-nothing-to-retire']] as const) {
      const run = await runCli(['sp-keys', step], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(label);
    }
    expect(await metadataOf(a)).toBe(before);
    expect((await runCli(['sp-keys', 'stage', '--days', 'soon'], env)).code).toBe(2);
  });
});
