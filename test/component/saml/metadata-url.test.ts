import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { IDP_SSO_URL, labelOf, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

/** A tiny plain-HTTP metadata host whose answer each test sets. */
class MetadataHost {
  answer: { status: number; body: string; headers?: Record<string, string> } = { status: 404, body: '' };
  requests = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.requests++;
      res.writeHead(this.answer.status, { 'content-type': 'application/xml', ...this.answer.headers });
      res.end(this.answer.body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serve(idp: TestIdp): void {
    this.answer = { status: 200, body: idp.metadataXml({ ssoUrl: IDP_SSO_URL }) };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const HOUR = 3600_000;

describe('IdP metadata from a URL (development setting on: plain http and loopback allowed)', () => {
  let server: TestServer;
  let team: TestTeam;
  const host = new MetadataHost();
  beforeAll(async () => {
    await host.start();
    server = await startTestServer({ ALLOW_INSECURE_METADATA_URLS: 'true' });
    team = await createTeam(server, 'Fetch');
  });
  afterAll(async () => {
    await server.close();
    await host.stop();
  });

  const byUrl = (url: string) => call(server.url, 'POST', '/identity-providers', { token: team.accessToken, json: { metadata_url: url } });
  const read = async (id: string) => (await call(server.url, 'GET', `/identity-providers/${id}`, { token: team.accessToken })).body;

  test('When the IdP rotates its key, then the scheduled refresh picks it up; a failed refresh keeps the old metadata and is audited', async () => {
    const first = TestIdp.create({ entityId: 'https://idp.fetch.test/metadata' });
    host.serve(first);
    const created = await byUrl(`${host.url}/federationmetadata.xml`);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ metadata_url: `${host.url}/federationmetadata.xml`, metadata_refresh_error: null, entity_id: first.entityId });
    const id = created.body.id;
    expect((await signInThrough(server, first, team.teamId, id, { nameId: 'ann@fetch.test' })).session).not.toBeNull();

    // Rollover: same entityID, new key. Not due yet → nothing fetched; a day later → refreshed.
    const rotated = TestIdp.create({ entityId: first.entityId });
    host.serve(rotated);
    const before = host.requests;
    expect(await server.services.metadataRefresher.refreshDue(new Date())).toEqual([]);
    expect(host.requests).toBe(before);
    const refreshed = await server.services.metadataRefresher.refreshDue(new Date(Date.now() + 25 * HOUR));
    expect(refreshed).toEqual([{ idpId: id, result: 'refreshed' }]);
    expect((await read(id)).certificates[0].fingerprint_sha256).toBe(rotated.keys.fingerprintSha256);
    expect((await signInThrough(server, rotated, team.teamId, id, { nameId: 'ann@fetch.test' })).session).not.toBeNull();
    expect(labelOf((await signInThrough(server, first, team.teamId, id, { nameId: 'ann@fetch.test' })).location)).toBe('signature-untrusted-key');

    // The host breaks: the old (rotated) metadata stays, the error is shown and audited.
    host.answer = { status: 500, body: 'oops' };
    const failed = await server.services.metadataRefresher.refreshDue(new Date(Date.now() + 50 * HOUR));
    expect(failed).toEqual([{ idpId: id, result: 'failed', error: expect.stringContaining('HTTP 500') }]);
    const after = await read(id);
    expect(after.metadata_refresh_error).toContain('HTTP 500');
    expect(after.certificates[0].fingerprint_sha256).toBe(rotated.keys.fingerprintSha256);
    expect((await signInThrough(server, rotated, team.teamId, id, { nameId: 'ann@fetch.test' })).session).not.toBeNull();
    const audit = await server.services.store.audit.list({ teamId: team.teamId, action: 'idp.metadata.refresh-failed', limit: 5 });
    expect(audit[0]).toMatchObject({ targetId: id, actor: { type: 'system' } });

    // Several instances in the same slot: the lease lets only one of them fetch.
    const again = await server.services.metadataRefresher.refreshDue(new Date(Date.now() + 50 * HOUR));
    expect(again).toEqual([{ idpId: id, result: 'skipped' }]);

    // A document for another entityID is not silently swapped in.
    host.serve(TestIdp.create({ entityId: 'https://someone-else.test/metadata' }));
    const other = await server.services.metadataRefresher.refreshDue(new Date(Date.now() + 75 * HOUR));
    expect(other[0]).toMatchObject({ result: 'failed', error: expect.stringContaining('someone-else') });
    expect((await read(id)).entity_id).toBe(first.entityId);
  });

  test('When the metadata URL redirects, answers an error or sends too much, then 400 with its label and nothing is stored', async () => {
    host.answer = { status: 302, body: '', headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
    expect((await byUrl(`${host.url}/redirect`)).body.label).toBe('metadata-url-redirect');
    host.answer = { status: 404, body: 'not here' };
    expect((await byUrl(`${host.url}/missing`)).body.label).toBe('metadata-url-status');
    host.answer = { status: 200, body: 'x'.repeat(1024 * 1024 + 1) };
    expect((await byUrl(`${host.url}/huge`)).body.label).toBe('metadata-url-too-large');
    host.answer = { status: 200, body: '<html><body>Sign in</body></html>' };
    expect((await byUrl(`${host.url}/login`)).body.label).toBe('not-metadata');
    expect((await byUrl('ftp://idp.test/md.xml')).body.label).toBe('metadata-url-insecure');
    expect((await call(server.url, 'GET', '/identity-providers', { token: team.accessToken })).body.providers).toHaveLength(1);
  });

  test('When PUT gives a new metadata_url, then it is fetched at once', async () => {
    const idp = TestIdp.create({ entityId: 'https://idp.put.test/metadata' });
    host.serve(idp);
    const created = await call(server.url, 'POST', '/identity-providers', { token: team.accessToken, body: idp.metadataXml({ ssoUrl: IDP_SSO_URL }), headers: { 'content-type': 'application/xml' } });
    expect(created.body.metadata_url).toBeNull();
    const put = await call(server.url, 'PUT', `/identity-providers/${created.body.id}`, { token: team.accessToken, json: { metadata_url: `${host.url}/put.xml` } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ metadata_url: `${host.url}/put.xml`, metadata_refreshed_at: expect.any(String) });
  });
});

describe('The refresh schedule', () => {
  test('When METADATA_REFRESH_HOURS has passed, then the running server re-fetches on its own', async () => {
    const host = new MetadataHost();
    await host.start();
    // 0.0005 h = 1.8 s: the scheduler ticks every second.
    const server = await startTestServer({ ALLOW_INSECURE_METADATA_URLS: 'true', METADATA_REFRESH_HOURS: '0.0005' });
    try {
      const team = await createTeam(server, 'Schedule');
      const idp = TestIdp.create({ entityId: 'https://idp.schedule.test/metadata' });
      host.serve(idp);
      const created = await call(server.url, 'POST', '/identity-providers', { token: team.accessToken, json: { metadata_url: `${host.url}/md.xml` } });
      const rotated = TestIdp.create({ entityId: idp.entityId });
      host.serve(rotated);
      const deadline = Date.now() + 15_000;
      let fingerprint = '';
      while (Date.now() < deadline) {
        const current = await call(server.url, 'GET', `/identity-providers/${created.body.id}`, { token: team.accessToken });
        fingerprint = current.body.certificates[0].fingerprint_sha256;
        if (fingerprint === rotated.keys.fingerprintSha256) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(fingerprint).toBe(rotated.keys.fingerprintSha256);
    } finally {
      await server.close();
      await host.stop();
    }
  });
});

describe('IdP metadata from a URL (production defaults: SSRF guard on)', () => {
  let server: TestServer;
  let team: TestTeam;
  const host = new MetadataHost();
  beforeAll(async () => {
    await host.start();
    server = await startTestServer();
    team = await createTeam(server, 'Guarded');
  });
  afterAll(async () => {
    await server.close();
    await host.stop();
  });

  test.each([
    ['plain http', () => `${host.url}/md.xml`, 'metadata-url-insecure'],
    ['https to a loopback address literal', () => `https://127.0.0.1:${new URL(host.url).port}/md.xml`, 'metadata-url-forbidden-address'],
    ['https to localhost', () => `https://localhost:${new URL(host.url).port}/md.xml`, 'metadata-url-forbidden-address'],
    ['the cloud metadata endpoint', () => 'https://169.254.169.254/latest/meta-data/', 'metadata-url-forbidden-address'],
    ['a private network address', () => 'https://10.0.0.8/federationmetadata.xml', 'metadata-url-forbidden-address'],
    ['IPv6 loopback', () => 'https://[::1]/md.xml', 'metadata-url-forbidden-address'],
    ['IPv4-mapped IPv6 loopback', () => 'https://[::ffff:127.0.0.1]/md.xml', 'metadata-url-forbidden-address'],
    ['credentials in the URL', () => 'https://user:pw@idp.example.com/md.xml', 'metadata-url-invalid'],
  ])('When the metadata URL is %s, then it is refused before any request is made', async (_name, url, label) => {
    host.serve(TestIdp.create());
    const before = host.requests;
    const res = await call(server.url, 'POST', '/identity-providers', { token: team.accessToken, json: { metadata_url: url() } });
    expect(res.status).toBe(400);
    expect(res.body.label).toBe(label);
    expect(host.requests).toBe(before);
  });
});
