import { createServer, type Server } from 'node:http';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { answer, IDP_SSO_URL, signInThrough, startLogin } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { addPerson, PageClient, visibleText } from './page-client';

describe('Customization → SSO page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  const idp = TestIdp.create({ entityId: 'https://idp.acme.test/metadata' });
  const metadata = (i: TestIdp = idp) => i.metadataXml({ ssoUrl: IDP_SSO_URL });
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  const idpsOf = () => server.services.store.idps.list(acme.teamId);
  const problemText = (html: string) => visibleText(/<div class="alert alert-error problem"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '');

  test('When no IdP is connected, then the page gives the SP entity ID, ACS URL and SP metadata URL to set up the IdP side', async () => {
    const page = await admin.get('/admin/sso');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('No identity provider is connected yet');
    expect(text).toContain(`${server.url}/sso/metadata/${acme.teamId}`);
    expect(text).toContain(`${server.url}/sso/finalize-login/${acme.teamId}`);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain('aria-label="Copy the ACS URL"');
    expect(page.html).toContain('<a href="/admin/sso" aria-current="page">SSO</a>');
  });

  test('When an admin uploads the metadata file, then the connection is made through the IdP service and its page shows the login code, link, SP metadata URL, entity ID and ACS URL with copy buttons', async () => {
    await admin.get('/admin/sso');
    const res = await admin.upload('/admin/sso/connections', { handle: 'Acme Entra', metadata: '', metadata_url: '' }, { metadata_file: { filename: 'acme.xml', text: metadata() } });
    expect(res.status).toBe(303);
    const [created] = await idpsOf();
    expect(created).toMatchObject({ entityId: idp.entityId, handle: 'Acme Entra', metadataUrl: null });
    expect(res.location).toBe(`/admin/sso/${created!.id}?connected=1`);

    const page = await admin.get(res.location!);
    const text = visibleText(page.html);
    expect(text).toContain('Connected Acme Entra. Give your people the login code below.');
    expect(text).toContain('Connected — give your people the login code');
    expect(page.html).toContain(`id="login-code" class="copy-value">sso-${created!.id}<`);
    expect(page.html).toContain(`id="login-link" class="copy-value">${server.url}/sso/start/sso-${created!.id}<`);
    expect(page.html).toContain(`id="sp-metadata-url" class="copy-value">${server.url}/sso/metadata/${acme.teamId}<`);
    expect(page.html).toContain(`id="sp-entity-id" class="copy-value">${server.url}/sso/metadata/${acme.teamId}<`);
    expect(page.html).toContain(`id="sp-acs-url" class="copy-value">${server.url}/sso/finalize-login/${acme.teamId}<`);
    for (const what of ['the login code', 'the login link', 'the SP metadata URL', 'the entity ID', 'the ACS URL']) expect(page.html).toContain(`aria-label="Copy ${what}"`);
    expect(text).toContain(idp.entityId);
    expect(text).toContain(IDP_SSO_URL);
    expect(text).toContain(idp.keys.fingerprintSha256);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'idp.created', limit: 5 });
    expect(audit[0]).toMatchObject({ actor: { type: 'user', id: acme.ownerId }, targetId: created!.id });

    const list = visibleText((await admin.get('/admin/sso')).html);
    expect(list).toContain('Acme Entra');
    expect(list).toContain(`sso-${created!.id}`);
  });

  test('When the same IdP is pasted again, then the form says it is already connected and links to replacing it', async () => {
    const [existing] = await idpsOf();
    await admin.get('/admin/sso');
    const res = await admin.upload('/admin/sso/connections', { metadata: metadata(), metadata_url: '', handle: '' });
    expect(res.status).toBe(409);
    expect(res.html).toContain('<details class="disclosure" open>');
    const problem = problemText(res.html);
    expect(problem).toContain('Field: Paste the metadata XML');
    expect(problem).toContain('Your team is already connected to this identity provider (same entity ID).');
    expect(problem).toContain('How to fix it: To rotate its certificate');
    expect(res.html).toContain(`href="/admin/sso/${existing!.id}/replace">Replace that connection</a>`);
    expect(await idpsOf()).toHaveLength(1);
  });

  test('When the metadata is broken, missing, given twice, or at a refused URL, then the field, what is wrong and how to fix it are shown and nothing is connected', async () => {
    await admin.get('/admin/sso');
    const noCert = metadata(TestIdp.create({ entityId: 'https://other.test' })).replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/, '');
    const broken = await admin.upload('/admin/sso/connections', { metadata_url: '' }, { metadata_file: { filename: 'broken.xml', text: noCert } });
    expect(broken.status).toBe(400);
    expect(problemText(broken.html)).toContain('Field: Upload a metadata file');
    expect(problemText(broken.html)).toContain('The IdP metadata cannot be used:');
    expect(problemText(broken.html)).toContain('Download the metadata again from your identity provider');
    expect(broken.html).toMatch(/id="metadata_file" name="metadata_file" type="file"[^>]*aria-invalid="true"/);
    expect(visibleText(broken.html)).toContain('You chose broken.xml ; choose it again.');

    const none = await admin.upload('/admin/sso/connections', { metadata: '  ', metadata_url: '' });
    expect(none.status).toBe(400);
    expect(problemText(none.html)).toContain('Field: IdP metadata No metadata was given.');

    const both = await admin.upload('/admin/sso/connections', { metadata: metadata(), metadata_url: 'https://idp.example/metadata' });
    expect(both.status).toBe(400);
    expect(problemText(both.html)).toContain('Metadata was given 2 ways');
    expect(both.html).toContain('value="https://idp.example/metadata"');

    const insecure = await admin.upload('/admin/sso/connections', { metadata_url: 'http://127.0.0.1:9/metadata.xml' });
    expect(insecure.status).toBe(400);
    expect(problemText(insecure.html)).toContain('Field: Metadata URL');
    expect(problemText(insecure.html)).toContain('metadata-url-insecure');
    expect(problemText(insecure.html)).toContain('download the file there and upload it instead');

    const badName = await admin.upload('/admin/sso/connections', { metadata: metadata(TestIdp.create({ entityId: 'https://third.test' })), handle: '!!' });
    expect(badName.status).toBe(400);
    expect(problemText(badName.html)).toContain('Field: Name');
    expect(await idpsOf()).toHaveLength(1);
  });

  test('When an admin replaces a connection with new metadata, then a new connection replaces the old one and both pages say so', async () => {
    const [old] = await idpsOf();
    const rotated = TestIdp.create({ entityId: idp.entityId });
    const form = await admin.get(`/admin/sso/${old!.id}/replace`);
    expect(visibleText(form.html)).toContain('Replace Acme Entra');
    expect(form.html).toContain('value="Acme Entra"');
    const res = await admin.upload(`/admin/sso/${old!.id}/replace`, { metadata: metadata(rotated), handle: 'Acme Entra 2026' });
    expect(res.status).toBe(303);
    const fresh = (await idpsOf()).find((i) => i.id !== old!.id)!;
    expect(fresh).toMatchObject({ replacesId: old!.id, handle: 'Acme Entra 2026' });
    expect((await server.services.store.idps.get(acme.teamId, old!.id))!.replacedById).toBe(fresh.id);
    expect(visibleText((await admin.get(res.location!)).html)).toContain('People of the old connection move over the next time they sign in');
    const oldPage = visibleText((await admin.get(`/admin/sso/${old!.id}`)).html);
    expect(oldPage).toContain('This connection was replaced by Acme Entra 2026 . Its people move over');
    // Replacing the replaced one again is sent to the current one.
    const again = await admin.get(`/admin/sso/${old!.id}/replace`);
    expect(again.location).toBe(`/admin/sso/${fresh.id}`);
  });

  test('When the replacement keeps the same name, then the old connection is renamed "… replaced" and the new one takes the name', async () => {
    const current = (await idpsOf()).find((i) => !i.replacedById)!;
    const next = TestIdp.create({ entityId: idp.entityId });
    await admin.get(`/admin/sso/${current.id}/replace`);
    const res = await admin.upload(`/admin/sso/${current.id}/replace`, { metadata: metadata(next), handle: current.handle! });
    expect(res.status).toBe(303);
    const all = await idpsOf();
    const newest = all.find((i) => i.replacesId === current.id)!;
    expect(newest.handle).toBe(current.handle);
    expect(all.find((i) => i.id === current.id)!.handle).toBe(`${current.handle} replaced`);
  });

  test('When the admin starts "Test sign-in" and someone signs in at the IdP, then the report page shows each check with its reason, the NameID, format, attributes, conditions and certificate', async () => {
    const current = (await idpsOf()).find((i) => !i.replacedById)!;
    const rotated = TestIdp.create({ entityId: idp.entityId });
    // The test IdP for the current connection: re-point it at a key we hold.
    await server.services.idps.update(acme.teamId, current.id, { kind: 'xml', xml: metadata(rotated) }, {}, { type: 'operator', id: null, name: 'test' });

    await admin.get(`/admin/sso/${current.id}`);
    const started = await admin.post(`/admin/sso/${current.id}/test`, {});
    expect(started.status).toBe(303);
    expect(started.location).toMatch(new RegExp(`^/admin/sso/${current.id}/tests/[0-9a-f-]{36}$`));
    const runId = started.location!.split('/').at(-1)!;
    const pending = await admin.get(started.location!);
    expect(visibleText(pending.html)).toContain('Sign in at your identity provider');
    expect(pending.html).toContain(`id="test-link" class="copy-value">${server.url}/sso/test/${runId}<`);

    const login = await startLogin(server, rotated, acme.teamId, `/sso/test/${runId}`);
    await answer(server, rotated, acme.teamId, login, { nameId: 'grace@acme.test', attributes: { displayName: 'Grace Hopper', department: ['Navy', 'Research'] } });

    const report = await admin.get(started.location!);
    const text = visibleText(report.html);
    expect(text).toContain('Passed The sign-in would succeed');
    expect(report.html).toContain('class="check check-passed"');
    expect(report.html).not.toContain('class="check check-failed"');
    for (const name of ['signature', 'audience', 'nameid-format', 'replay', 'request', 'user']) expect(report.html).toContain(`<strong>${name}</strong>`);
    expect(text).toContain('NameID grace@acme.test');
    expect(text).toContain('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(text).toContain('department Navy, Research');
    expect(text).toContain(`audience ${server.url}/sso/metadata/${acme.teamId}`);
    expect(text).toContain(`SHA-256 ${rotated.keys.fingerprintSha256}`);
    expect(text).toContain('Who: Grace Hopper');
  });

  test('When a failed test comes back, then the failing check is red with its reason and the error code', async () => {
    const current = (await idpsOf()).find((i) => !i.replacedById)!;
    await admin.get(`/admin/sso/${current.id}`);
    const started = await admin.post(`/admin/sso/${current.id}/test`, {});
    const runId = started.location!.split('/').at(-1)!;
    const stranger = TestIdp.create({ entityId: idp.entityId });
    const login = await startLogin(server, stranger, acme.teamId, `/sso/test/${runId}`);
    await answer(server, stranger, acme.teamId, login, { nameId: 'grace@acme.test' });
    const report = await admin.get(started.location!);
    expect(visibleText(report.html)).toContain('Failed The sign-in would be refused');
    expect(report.html).toMatch(/class="check check-failed"><span class="check-mark" aria-hidden="true">✗<\/span><span class="visually-hidden">Failed:<\/span> <strong>signature<\/strong>/);
    expect(visibleText(report.html)).toContain('(error code signature-untrusted-key )');
  });

  test('When a connection with people is deleted, then the confirmation says how many people it removes and nothing happens until that is ticked', async () => {
    const bob = TestIdp.create({ entityId: 'https://bob.test/metadata' });
    await admin.get('/admin/sso');
    const connected = await admin.upload('/admin/sso/connections', { metadata: bob.metadataXml({ ssoUrl: IDP_SSO_URL }), handle: 'Bob IdP' });
    const id = connected.location!.split('/')[3]!.split('?')[0]!;
    const signIn = await signInThrough(server, bob, acme.teamId, id, { nameId: 'bob@bob.test' });
    expect(signIn.session).not.toBeNull();

    const confirm = await admin.get(`/admin/sso/${id}/delete`);
    expect(visibleText(confirm.html)).toContain('This removes 1 person from Acme');
    expect(confirm.html).toContain('<input type="hidden" name="users" value="1">');
    const refused = await admin.post(`/admin/sso/${id}/delete`, { users: '1' });
    expect(refused.status).toBe(409);
    expect(visibleText(refused.html)).toContain('1 person signs in through this connection, so it was not deleted.');
    expect(await server.services.store.idps.get(acme.teamId, id)).not.toBeNull();

    const stale = await admin.post(`/admin/sso/${id}/delete`, { users: '0', purge: 'on' });
    expect(stale.status).toBe(409);
    expect(await server.services.store.idps.get(acme.teamId, id)).not.toBeNull();

    const done = await admin.post(`/admin/sso/${id}/delete`, { users: '1', purge: 'on' });
    expect(done.status).toBe(303);
    expect(await server.services.store.idps.get(acme.teamId, id)).toBeNull();
    expect(await server.services.store.users.findByNameId(acme.teamId, id, 'bob@bob.test')).toBeNull();
    expect(visibleText((await admin.get('/admin/sso')).html)).toContain('Deleted Bob IdP and the person who signed in through it.');
  });

  test('When a form is posted without the CSRF token, or by a member, then it is refused and nothing changes', async () => {
    const before = (await idpsOf()).length;
    await admin.get('/admin/sso');
    const noToken = await admin.upload('/admin/sso/connections', { metadata: metadata(TestIdp.create({ entityId: 'https://csrf.test' })) }, {}, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(visibleText(noToken.html)).toContain('This form has expired or was not sent from a Gatehouse page.');
    const anonymous = await new PageClient(server.url).upload('/admin/sso/connections', { metadata: metadata() });
    expect(anonymous.status).toBe(403);
    const member = await addPerson(server, acme.teamId, { name: 'Mia Member', email: 'mia@acme.test', password: 'member password 1' });
    expect(member.role).toBe('member');
    const session = await server.services.accounts.issueToken(member, 'session');
    const memberPage = new PageClient(server.url);
    memberPage.cookies.set('gh_session', session.secret);
    expect((await memberPage.get('/admin/sso')).status).toBe(403);
    expect((await idpsOf()).length).toBe(before);
  });

  test('When IdP-supplied text contains markup, then the pages escape it', async () => {
    const evil = TestIdp.create({ entityId: 'https://evil.test/<script>alert(1)</script>' });
    await admin.get('/admin/sso');
    const res = await admin.upload('/admin/sso/connections', { metadata: evil.metadataXml({ ssoUrl: IDP_SSO_URL }).replace('entityID="https://evil.test/<script>alert(1)</script>"', 'entityID="https://evil.test/&lt;script&gt;alert(1)&lt;/script&gt;"') });
    const page = res.location ? await admin.get(res.location) : res;
    expect(page.html).not.toContain('<script>alert(1)</script>');
  });
});

describe('Customization → SSO page with a metadata URL', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  let metadataHost: Server;
  let metadataUrl = '';
  const idp = TestIdp.create({ entityId: 'https://url-idp.test/metadata' });
  beforeAll(async () => {
    // Local development mode: http:// and loopback metadata URLs are allowed.
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100', ALLOW_INSECURE_METADATA_URLS: 'true' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
    metadataHost = createServer((req, res) => {
      if (req.url === '/metadata.xml') res.writeHead(200, { 'content-type': 'application/xml' }).end(idp.metadataXml({ ssoUrl: IDP_SSO_URL }));
      else res.writeHead(404).end('no');
    });
    await new Promise<void>((resolve) => metadataHost.listen(0, '127.0.0.1', resolve));
    metadataUrl = `http://127.0.0.1:${(metadataHost.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => metadataHost.close(() => resolve()));
    await server.close();
  });

  test('When an admin gives a metadata URL, then Gatehouse fetches it, connects, and the page says where the metadata comes from', async () => {
    await admin.get('/admin/sso');
    const res = await admin.upload('/admin/sso/connections', { metadata_url: `${metadataUrl}/metadata.xml` });
    expect(res.status).toBe(303);
    const [created] = await server.services.store.idps.list(acme.teamId);
    expect(created).toMatchObject({ entityId: idp.entityId, metadataUrl: `${metadataUrl}/metadata.xml` });
    expect(visibleText((await admin.get(res.location!)).html)).toContain(`fetched from ${metadataUrl}/metadata.xml , last refreshed`);
  });

  test('When the URL answers 404, then the Metadata URL field says so and how to fix it', async () => {
    await admin.get('/admin/sso');
    const res = await admin.upload('/admin/sso/connections', { metadata_url: `${metadataUrl}/nothing.xml` });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="metadata_url"[^>]*aria-invalid="true"/);
    const text = visibleText(res.html);
    expect(text).toContain('Field: Metadata URL');
    expect(text).toContain('metadata-url-status');
    expect(res.html).toContain(`value="${metadataUrl}/nothing.xml"`);
  });
});
