/**
 * Keys in the store, across real processes: two Gatehouse processes started at the same moment on
 * one SQLite file, each with its own empty CERTS_DIR (as two hosts would have), agree on one SP
 * key pair and one CSRF key — whichever started first created them, the other read them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toPem } from '../../../src/saml/certificates';
import { call } from '../../support/http';
import { parseFormPostHtml, TestIdp } from '../../support/test-idp';
import { PageClient } from '../web/page-client';
import { runCli, sharedStoreEnv, sharedStoreName, startProcess, type GatehouseProcess } from './processes';

const PUBLIC_URL = 'http://gatehouse.test';

jest.setTimeout(30_000);

describe(`Two processes, two empty CERTS_DIRs, ${sharedStoreName}`, () => {
  let dir: string;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let teamId: string;
  const owner = { email: 'ada@acme.test', password: 'ada-password-1' };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-keys-two-'));
    const store = sharedStoreEnv(dir);
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', owner.email, '--password-stdin', '--json'], store, `${owner.password}\n`);
    if (created.code !== 0) throw new Error(created.stderr);
    teamId = JSON.parse(created.stdout).team.id;
    // At the same moment, on a store that holds no key yet: both race to create the pair.
    const started = await Promise.allSettled(
      ['certs-a', 'certs-b'].map((certs) => startProcess({ ...store, CERTS_DIR: path.join(dir, certs), PUBLIC_URL, LOG_LEVEL: 'info' }, 80_000)),
    );
    const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (running.length < 2) {
      await Promise.all(running.map((p) => p.stop()));
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    }
    [a, b] = running as [GatehouseProcess, GatehouseProcess];
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('When both processes publish the team\'s SP metadata, then the documents are byte-identical and exactly one process generated the keys', async () => {
    const [metaA, metaB] = await Promise.all([call(a.url, 'GET', `/sso/metadata/${teamId}`), call(b.url, 'GET', `/sso/metadata/${teamId}`)]);
    expect(metaA.status).toBe(200);
    expect(metaB.text).toBe(metaA.text);
    const generated = [a, b].filter((p) => p.stdout().includes('generated the SAML SP signing and encryption key pairs'));
    expect(generated).toHaveLength(1);
    // Nothing was written to either host's CERTS_DIR: the store is the one place keys live.
    expect(existsSync(path.join(dir, 'certs-a'))).toBe(false);
    expect(existsSync(path.join(dir, 'certs-b'))).toBe(false);
  });

  test('When an AuthnRequest is signed by A, then it verifies with the certificate B publishes', async () => {
    const token = (await call(a.url, 'POST', '/login?persist=false', { json: owner })).body.access_token;
    const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    const connected = await call(a.url, 'POST', '/identity-providers', { token, body: idp.metadataXml({ ssoUrl: 'https://idp.acme.test/sso' }), headers: { 'content-type': 'application/xml' } });
    expect(connected.status).toBe(201);
    const page = await call(a.url, 'GET', `/sso/initiate-login/${connected.body.id}`);
    const certOnB = /<ds:X509Certificate>([^<]+)</.exec((await call(b.url, 'GET', `/sso/metadata/${teamId}`)).text)![1]!;
    expect(() => idp.parseAuthnRequest({ form: parseFormPostHtml(page.text).fields }, toPem(certOnB))).not.toThrow();
  });

  test('When a sign-in form is loaded from A and posted to B, then B accepts its CSRF token (one CSRF key in the store)', async () => {
    const onA = new PageClient(a.url);
    await onA.get('/admin/login');
    const onB = new PageClient(b.url);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    const posted = await onB.post('/admin/login', owner, { csrf: onA.lastCsrf! });
    expect(posted.status).toBe(303);
    expect(onB.cookies.has('gh_session')).toBe(true);
    // And a forged token is still refused on B.
    const forged = new PageClient(b.url);
    for (const [k, v] of onA.cookies) forged.cookies.set(k, v);
    expect((await forged.post('/admin/login', owner, { csrf: 'forged.token' })).status).toBe(403);
  });
});
