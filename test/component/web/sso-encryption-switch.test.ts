import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, signInThrough, spEncryptionCertPems } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { PageClient, visibleText } from './page-client';

describe('SSO connection page: the "require encrypted assertions" switch', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
  let idpId: string;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    idpId = await connectedIdp(server, acme, idp);
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  test('When an admin turns the switch on, then the page says so, the change is audited, and plain assertions are refused while encrypted ones sign in', async () => {
    const before = await admin.get(`/admin/sso/${idpId}`);
    expect(visibleText(before.html)).toContain('Encrypted assertions Accepted, not required');
    expect(before.html).toMatch(/<input id="require_encrypted_assertions" name="require_encrypted_assertions" type="checkbox">/);
    const on = await admin.post(`/admin/sso/${idpId}/encryption`, { require_encrypted_assertions: 'on' });
    expect(on.status).toBe(303);
    const after = await admin.get(`/admin/sso/${idpId}`);
    expect(visibleText(after.html)).toContain('now only accepts encrypted assertions');
    expect(visibleText(after.html)).toContain('Encrypted assertions Required (unencrypted assertions are refused)');
    expect(after.html).toMatch(/name="require_encrypted_assertions" type="checkbox" checked>/);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'idp.updated', targetId: idpId, details: expect.objectContaining({ requireEncryptedAssertions: true }) });

    expect(labelOf((await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'plain@acme.test' })).location)).toBe('encryption-required');
    const [certPem] = await spEncryptionCertPems(server, acme.teamId);
    expect((await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'sealed@acme.test', encrypt: { certPem: certPem! } })).session).not.toBeNull();

    // Unchecked boxes are not sent: posting without the field turns it off.
    expect((await admin.post(`/admin/sso/${idpId}/encryption`, {})).status).toBe(303);
    expect((await server.services.store.idps.get(acme.teamId, idpId))!.requireEncryptedAssertions).toBe(false);
  });

  test('When the switch is posted without the CSRF token, then nothing changes', async () => {
    const res = await admin.post(`/admin/sso/${idpId}/encryption`, { require_encrypted_assertions: 'on' }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await server.services.store.idps.get(acme.teamId, idpId))!.requireEncryptedAssertions).toBe(false);
  });
});
