/**
 * Encrypted assertions through the real server: the test IdP signs the assertion, then encrypts it
 * to the encryption certificate it read from the team's SP metadata, in each accepted algorithm.
 * Attacks are named for what the attacker tries.
 */
import { createSelfSignedCertificate } from '../../../src/saml/sp-keys';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, connectedIdp, labelOf, selfWithSession, signInThrough, spEncryptionCertPems, spOf, startLogin } from '../../support/sso';
import { assertionXml, newId, TestIdp } from '../../support/test-idp';
import type { EncryptOptions } from '../../support/test-idp-encryption';

describe('Encrypted assertions', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  let certPem: string;
  const attacker = createSelfSignedCertificate({ commonName: 'attacker', bits: 2048 });

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
    [certPem] = await spEncryptionCertPems(server, acme.teamId);
  });
  afterAll(() => server.close());

  const encrypted = (o: Partial<EncryptOptions> = {}): EncryptOptions => ({ certPem, ...o });

  async function testRun(options: Parameters<typeof answer>[4]) {
    const started = await call(server.url, 'POST', `/identity-providers/${idpId}/test`, { token: acme.accessToken });
    const login = await startLogin(server, idp, acme.teamId, new URL(started.body.url).pathname);
    await answer(server, idp, acme.teamId, login, options);
    return (await call(server.url, 'GET', `/identity-providers/${idpId}/test/${started.body.id}`, { token: acme.accessToken })).body.report;
  }

  test('When the SP metadata is read, then it publishes an encryption certificate beside the signing one, with the algorithms accepted', async () => {
    const metadata = (await call(server.url, 'GET', `/sso/metadata/${acme.teamId}`)).text;
    expect(metadata).toMatch(/<md:KeyDescriptor use="signing">/);
    expect(metadata).toMatch(/<md:KeyDescriptor use="encryption">/);
    for (const algorithm of ['xmlenc11#aes256-gcm', 'xmlenc11#aes128-gcm', 'xmlenc#aes256-cbc', 'xmlenc#aes128-cbc', 'xmlenc#rsa-oaep-mgf1p', 'xmlenc11#rsa-oaep']) {
      expect(metadata).toContain(`<md:EncryptionMethod Algorithm="http://www.w3.org/${algorithm.startsWith('xmlenc11') ? '2009' : '2001/04'}/${algorithm}"/>`);
    }
    expect(metadata).not.toContain('rsa-1_5');
  });

  test.each([
    ['AES-128-GCM', { algorithm: 'aes128-gcm' }],
    ['AES-256-GCM', { algorithm: 'aes256-gcm' }],
    ['AES-128-CBC', { algorithm: 'aes128-cbc' }],
    ['AES-256-CBC (ADFS default), key beside the data', { algorithm: 'aes256-cbc', keyPlacement: 'sibling' }],
    ['AES-256-GCM with xmlenc11 RSA-OAEP SHA-256, no certificate named', { algorithm: 'aes256-gcm', keyTransport: 'rsa-oaep', oaepDigest: 'sha256', includeCert: false }],
  ] as Array<[string, Partial<EncryptOptions>]>)('When the IdP encrypts the signed assertion with %s, then the person is signed in', async (_name, options) => {
    const nameId = `enc-${newId().slice(1, 9)}@acme.test`;
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId, attributes: { displayName: 'Encrypted Person' }, encrypt: encrypted(options) });
    expect(labelOf(reply.location)).toBeNull();
    expect(reply.status).toBe(303);
    expect((await selfWithSession(server, reply.session!)).body).toMatchObject({ team: acme.teamId, name: 'Encrypted Person' });
  });

  test('When a test connection receives an encrypted assertion, then the report says it was encrypted and with which algorithms', async () => {
    const report = await testRun({ nameId: 'report@acme.test', encrypt: encrypted({ algorithm: 'aes256-cbc' }) });
    expect(report.outcome).toBe('passed');
    const line = report.checks.find((c: { name: string }) => c.name === 'decryption');
    expect(line).toMatchObject({ passed: true });
    expect(line.reason).toMatch(/encrypted with AES-256-CBC, key transported with RSA-OAEP \(SHA-1\)/);
    const plain = await testRun({ nameId: 'report@acme.test' });
    expect(plain.checks.find((c: { name: string }) => c.name === 'decryption')).toMatchObject({ passed: true, reason: 'assertion not encrypted' });
  });

  test('When the assertion is encrypted to a certificate we do not hold, then it is refused as encryption-key-unknown and the test report names the certificate', async () => {
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { encrypt: { certPem: attacker.certPem } });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('encryption-key-unknown');
    const report = await testRun({ encrypt: { certPem: attacker.certPem } });
    expect(report).toMatchObject({ outcome: 'failed', label: 'encryption-key-unknown' });
    expect(report.message).toContain(attacker.fingerprintSha256);
  });

  test('When an attacker wraps an encrypted assertion beside a plain forged one, then it is refused as signature-wrapped', async () => {
    const sp = spOf(server, acme.teamId);
    const forged = assertionXml({ sp, idpEntityId: idp.entityId, id: newId(), nameId: 'mallory@acme.test' });
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'alice@acme.test', encrypt: encrypted(), extraAssertionXml: forged });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('signature-wrapped');
  });

  test('When an attacker encrypts an unsigned assertion to our public certificate, then the decrypted assertion is refused like a plain unsigned one', async () => {
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'mallory@acme.test', sign: 'none', encrypt: encrypted({ algorithm: 'aes256-gcm' }) });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('signature-missing');
  });

  test('When an attacker encrypts an assertion signed with their own key, then the signature check on the decrypted assertion refuses it', async () => {
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { nameId: 'mallory@acme.test', signingKey: attacker, encrypt: encrypted({ algorithm: 'aes128-gcm' }) });
    expect(reply.session).toBeNull();
    expect(labelOf(reply.location)).toBe('signature-untrusted-key');
  });

  test('When the key is transported with RSA PKCS#1 v1.5, then it is refused (Bleichenbacher) with encryption-algorithm-unsupported', async () => {
    const report = await testRun({ encrypt: encrypted({ keyTransport: 'rsa-1_5' }) });
    expect(report).toMatchObject({ outcome: 'failed', label: 'encryption-algorithm-unsupported' });
    expect(report.message).toMatch(/RSA PKCS#1 v1\.5/);
  });

  test('When the data is encrypted with Triple DES (outside the list), then it is refused naming the algorithm', async () => {
    const report = await testRun({ encrypt: encrypted({ algorithm: 'tripledes-cbc' }) });
    expect(report).toMatchObject({ outcome: 'failed', label: 'encryption-algorithm-unsupported' });
    expect(report.message).toContain('tripledes-cbc');
  });

  test('When an attacker sends a deeply nested EncryptedData, then it is refused as malformed before any key is used', async () => {
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { encrypt: encrypted({ nestKeyInfo: 2000 }) });
    expect(reply.status).toBe(303);
    expect(labelOf(reply.location)).toBe('encrypted-assertion-malformed');
  });

  test('When an attacker sends an oversized EncryptedData, then it is refused as malformed', async () => {
    // ~270 KB of ciphertext: under the 512 KiB response limit, over the 256 KiB EncryptedData limit.
    const reply = await signInThrough(server, idp, acme.teamId, idpId, { encrypt: encrypted(), attributes: { blob: 'x'.repeat(270_000) } });
    expect(reply.status).toBe(303);
    expect(labelOf(reply.location)).toBe('encrypted-assertion-malformed');
  });

  test('When an attacker flips CBC padding (a padding oracle probe), then the answer is exactly that of any other decryption failure', async () => {
    const [badPadding, foreignKey, garbage, unsignedCbc] = await Promise.all([
      signInThrough(server, idp, acme.teamId, idpId, { encrypt: encrypted({ algorithm: 'aes256-cbc', brokenCbcPadding: true }) }),
      // Encrypted to another key without naming it: nothing to tell but "could not decrypt".
      signInThrough(server, idp, acme.teamId, idpId, { encrypt: { certPem: attacker.certPem, algorithm: 'aes256-cbc', includeCert: false } }),
      // Well padded, but the plaintext is not XML.
      signInThrough(server, idp, acme.teamId, idpId, { encrypt: encrypted({ algorithm: 'aes256-cbc', plaintext: 'not <<xml at all' }) }),
      // CBC has no integrity: until the IdP's signature verifies, even "unsigned" must not be told apart.
      signInThrough(server, idp, acme.teamId, idpId, { sign: 'none', encrypt: encrypted({ algorithm: 'aes256-cbc' }) }),
    ]);
    for (const reply of [badPadding, foreignKey, garbage, unsignedCbc]) {
      expect(reply.status).toBe(badPadding.status);
      expect(reply.location).toBe(badPadding.location);
      expect(reply.session).toBeNull();
    }
    expect(labelOf(badPadding.location)).toBe('encrypted-assertion-undecryptable');
    const [reportPadding, reportGarbage] = [
      await testRun({ encrypt: encrypted({ algorithm: 'aes128-cbc', brokenCbcPadding: true }) }),
      await testRun({ encrypt: encrypted({ algorithm: 'aes128-cbc', plaintext: '<saml:Assertion' }) }),
    ];
    expect(reportPadding.message).toBe(reportGarbage.message);
    expect(reportPadding.label).toBe('encrypted-assertion-undecryptable');
  });

  test('When a connection requires encrypted assertions, then a plain assertion is refused saying encryption is required, and an encrypted one signs in', async () => {
    const other = TestIdp.create({ entityId: 'https://idp2.acme.test/metadata' });
    const otherId = await connectedIdp(server, acme, other);
    const put = await call(server.url, 'PUT', `/identity-providers/${otherId}`, { token: acme.accessToken, json: { require_encrypted_assertions: true } });
    expect(put.status).toBe(200);
    expect(put.body.require_encrypted_assertions).toBe(true);
    const plain = await signInThrough(server, other, acme.teamId, otherId, { nameId: 'plain@acme.test' });
    expect(plain.session).toBeNull();
    expect(labelOf(plain.location)).toBe('encryption-required');
    const sealed = await signInThrough(server, other, acme.teamId, otherId, { nameId: 'sealed@acme.test', encrypt: encrypted() });
    expect(sealed.session).not.toBeNull();
    const bad = await call(server.url, 'PUT', `/identity-providers/${otherId}`, { token: acme.accessToken, json: { require_encrypted_assertions: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('require_encrypted_assertions');
  });
});
