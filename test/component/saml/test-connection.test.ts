import { randomUUID } from 'node:crypto';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, connectedIdp, startLogin } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

describe('Test connection: a real sign-in that only reports', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdp;
  let idpId: string;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
    idpId = await connectedIdp(server, acme, idp);
  });
  afterAll(() => server.close());

  const api = (method: string, p: string) => call(server.url, method, p, { token: acme.accessToken });
  const usersOf = async () => (await server.services.store.users.list(acme.teamId, { startIndex: 1, count: 1000 })).items;

  async function runTest(options: Parameters<typeof answer>[4]) {
    const started = await api('POST', `/identity-providers/${idpId}/test`);
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ id: expect.any(String), url: `${server.url}/sso/test/${started.body.id}`, expires_at: expect.any(String) });
    const pending = await api('GET', `/identity-providers/${idpId}/test/${started.body.id}`);
    expect(pending.body).toMatchObject({ id: started.body.id, status: 'pending', report: null });
    const login = await startLogin(server, idp, acme.teamId, new URL(started.body.url).pathname);
    const usersBefore = await usersOf();
    const reply = await answer(server, idp, acme.teamId, login, options);
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/sso/test-result/${started.body.id}`);
    expect(reply.session).toBeNull();
    expect(await usersOf()).toEqual(usersBefore);
    const report = await api('GET', `/identity-providers/${idpId}/test/${started.body.id}`);
    expect(report.status).toBe(200);
    return { id: started.body.id as string, url: started.body.url as string, report: report.body };
  }

  test('When the IdP sends a NameID format Gatehouse refuses, then the report names the received format', async () => {
    const persistent = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
    const { report } = await runTest({ nameId: 'opaque-99', nameIdFormat: persistent });
    expect(report.report).toMatchObject({ outcome: 'failed', label: 'nameid-format-unsupported', nameid_format: persistent, message: expect.stringContaining(persistent) });
    expect(report.report.checks.find((c: { name: string }) => c.name === 'nameid-format')).toMatchObject({ passed: false, received: persistent });
  });

  test('When the test sign-in passes, then the report lists every check, the NameID, format, attributes, conditions and certificate, and no one is signed in or created', async () => {
    const { id, url, report } = await runTest({ nameId: 'new.person@acme.test', attributes: { displayName: 'New Person', 'http://schemas.xmlsoap.org/claims/Group': ['a', 'b'] } });
    expect(report).toMatchObject({ id, idp: idpId, status: 'completed', completed_at: expect.any(String) });
    expect(report.report).toMatchObject({
      outcome: 'passed',
      label: null,
      nameid: 'new.person@acme.test',
      nameid_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      attributes: { displayName: ['New Person'], 'http://schemas.xmlsoap.org/claims/Group': ['a', 'b'] },
      conditions: { issuer: idp.entityId, audience: `${server.url}/sso/metadata/${acme.teamId}`, not_on_or_after: expect.any(String), in_response_to: expect.stringMatching(/^_/) },
      certificate: { fingerprint_sha256: idp.keys.fingerprintSha256 },
      user: { action: 'create', handle: 'new.person', display_name: 'New Person' },
    });
    const names = report.report.checks.map((c: { name: string }) => c.name);
    for (const name of ['idp', 'signature', 'audience', 'nameid-format', 'replay', 'request', 'user']) expect(names).toContain(name);
    expect(report.report.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(await server.services.store.users.findByNameId(acme.teamId, idpId, 'new.person@acme.test')).toBeNull();
    const page = await fetch(`${server.url}/sso/test-result/${id}`);
    expect(await page.text()).toContain('passed every check');
    // The link is used up.
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(404);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'idp.test.completed', limit: 1 });
    expect(audit[0]).toMatchObject({ details: { testRun: id, outcome: 'passed' } });
  });

  test('When the test sign-in fails a check, then the report says which and why, with the checks before it', async () => {
    const { report } = await runTest({ nameId: 'x@acme.test', audience: 'https://wrong-sp.test' });
    expect(report.report).toMatchObject({ outcome: 'failed', label: 'wrong-audience', message: expect.stringContaining('https://wrong-sp.test') });
    const failed = report.report.checks.filter((c: { passed: boolean }) => !c.passed);
    expect(failed[0]).toMatchObject({ name: 'audience', label: 'wrong-audience' });
    expect(report.report.checks.find((c: { name: string }) => c.name === 'signature')).toMatchObject({ passed: true });
  });

  test('When the user rules would refuse the person, then the test reports it and changes nothing', async () => {
    await createScimToken(server, acme);
    const { report } = await runTest({ nameId: 'unknown@acme.test' });
    expect(report.report).toMatchObject({ outcome: 'failed', label: 'not-provisioned', user: null });
    expect(report.report.checks.at(-1)).toMatchObject({ name: 'user', passed: false, label: 'not-provisioned' });
  });

  test('When the test is for an unknown run or another team, then 404', async () => {
    expect((await api('GET', `/identity-providers/${idpId}/test/${randomUUID()}`)).status).toBe(404);
    expect((await fetch(`${server.url}/sso/test/${randomUUID()}`, { redirect: 'manual' })).status).toBe(404);
    const globex = await createTeam(server, 'Globex');
    const started = await api('POST', `/identity-providers/${idpId}/test`);
    expect((await call(server.url, 'GET', `/identity-providers/${idpId}/test/${started.body.id}`, { token: globex.accessToken })).status).toBe(404);
  });
});
