import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operatorActor } from '../../../src/accounts/audit';
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';
import { createTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

describe('SSO page: the SP certificates, which is active, and their expiry', () => {
  let dir: string;
  let server: TestServer;
  let admin: PageClient;
  // An older installation's signing certificate that runs out in 10 days.
  const expiring = createSelfSignedCertificate({ commonName: 'expiring', bits: 2048, validityDays: 10 });
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sso-certs-'));
    mkdirSync(path.join(dir, 'certs'));
    writeFileSync(path.join(dir, 'certs', 'sp-key.pem'), expiring.privateKeyPem);
    writeFileSync(path.join(dir, 'certs', 'sp-cert.pem'), expiring.certPem);
    server = await startTestServer({ DATA_DIR: path.join(dir, 'data'), CERTS_DIR: path.join(dir, 'certs'), LOGIN_RATE_LIMIT: '100' });
    const acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When the active signing certificate expires within 30 days, then the SSO page lists the certificates and warns', async () => {
    const text = visibleText((await admin.get('/admin/sso')).html);
    expect(text).toContain("Gatehouse's SAML certificates");
    expect(text).toContain('Signing · Active');
    expect(text).toContain('Encryption · Active');
    expect(text).toContain(`SHA-256 ${expiring.fingerprintSha256}`);
    expect(text).toMatch(/The active SP signing certificate expires on \d{4}-\d{2}-\d{2} \(in (9|10) days\); roll the keys over \(gatehouse sp-keys stage\)/);
    expect(text).not.toContain('The active SP encryption certificate expires');
  });

  test('When the next pair is staged and activated, then the page shows it beside the current one, and the warning goes once the new one is active', async () => {
    await server.services.spKeyRollover.stage(operatorActor, { bits: 2048 });
    const staged = visibleText((await admin.get('/admin/sso')).html);
    expect(staged).toContain('Signing · Next (staged)');
    expect(staged).toContain('A key rollover is under way: the next certificates are published beside the current ones');
    await server.services.spKeyRollover.activate(operatorActor);
    const activated = visibleText((await admin.get('/admin/sso')).html);
    expect(activated).toContain('Signing · Previous');
    expect(activated).not.toContain('certificate expires on');
  });
});
