import { operatorActor } from '../../../src/accounts/audit';
import { TestIdp } from '../../support/test-idp';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

describe('Automated User Management (SCIM) page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100', PUBLIC_URL: 'https://id.acme.test' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  test('When an admin opens the page, then it gives the SCIM base URL, the /v2 note and the self-signup notice', async () => {
    const page = await admin.get('/admin/scim');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('https://id.acme.test/scim/v2');
    expect(text).toContain('Some SCIM clients append /v2 themselves');
    expect(text).toContain('https://id.acme.test/scim instead');
    expect(text).toContain('Creating the first token turns off SSO self-signup');
    expect(text).toContain('Tokens 0 of 8');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  test('When an admin generates a token with their password, then the secret is shown once, works for SCIM, and never appears again', async () => {
    await admin.get('/admin/scim');
    const res = await admin.post('/admin/scim/tokens', { description: 'Entra ID provisioning', password: acme.password });
    expect(res.status).toBe(200);
    const secret = /id="new-token" class="copy-value">([^<]+)</.exec(res.html)?.[1];
    expect(secret).toMatch(/^gscim_[\w-]{43}$/);
    const text = visibleText(res.html);
    expect(text).toContain("Copy it now: it won't be shown again.");
    expect(text).toContain('SSO self-signup is now off for your team');
    expect(await server.services.scimTokens.authenticate(secret!)).toMatchObject({ teamId: acme.teamId, description: 'Entra ID provisioning' });

    const again = await admin.get('/admin/scim');
    expect(again.html).not.toContain(secret!);
    expect(visibleText(again.html)).toContain('Entra ID provisioning');
    expect(visibleText(again.html)).toContain('Tokens 1 of 8');
    expect(server.logs.join('\n')).not.toContain(secret!);
  });

  test('When the password is wrong or fields are empty, then the form reopens with the error next to the field and no token is made', async () => {
    const before = await server.services.store.scimTokens.countByTeam(acme.teamId);
    await admin.get('/admin/scim');
    const wrong = await admin.post('/admin/scim/tokens', { description: 'Okta', password: 'not my password' });
    expect(wrong.status).toBe(403);
    expect(wrong.html).toContain('<details class="disclosure" open>');
    expect(wrong.html).toMatch(/id="password-error" class="field-error">That password is wrong/);
    expect(wrong.html).toContain('value="Okta"');
    const empty = await admin.post('/admin/scim/tokens', { description: '  ', password: '' });
    expect(empty.status).toBe(400);
    expect(visibleText(empty.html)).toContain('Enter a description, for example “Entra ID provisioning”.');
    expect(visibleText(empty.html)).toContain('Enter your password to confirm it is you.');
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(before);
  });

  test('When the team reaches 8 tokens, then the page says so instead of offering another, and a forced 9th is refused with the reason', async () => {
    const count = await server.services.store.scimTokens.countByTeam(acme.teamId);
    for (let i = count; i < 8; i++) await server.services.scimTokens.create(acme.teamId, { description: `bulk ${i}` }, operatorActor);
    const page = await admin.get('/admin/scim');
    const text = visibleText(page.html);
    expect(text).toContain('Your team has 8 tokens, the most it can have. Delete a token you no longer use to generate a new one.');
    expect(page.html).not.toContain('action="/admin/scim/tokens" ');
    const forced = await admin.post('/admin/scim/tokens', { description: 'ninth', password: acme.password });
    expect(forced.status).toBe(403);
    expect(visibleText(forced.html)).toContain('A team can have at most 8 SCIM tokens');
  });

  test('When an admin renames and deletes tokens, then the list follows, and deleting the last one turns self-signup back on', async () => {
    const tokens = await server.services.scimTokens.list(acme.teamId);
    const first = tokens[0]!;
    await admin.get('/admin/scim');
    const renamed = await admin.post(`/admin/scim/tokens/${first.id}/rename`, { name: 'Okta production' });
    expect(renamed.status).toBe(303);
    const page = await admin.get('/admin/scim');
    expect(visibleText(page.html)).toContain('Renamed the token to “Okta production”.');
    expect(visibleText(page.html)).toContain('Okta production');

    const empty = await admin.post(`/admin/scim/tokens/${first.id}/rename`, { name: '   ' });
    expect(empty.status).toBe(303);
    expect(visibleText((await admin.get('/admin/scim')).html)).toContain('A token name cannot be empty');

    for (const [i, t] of tokens.entries()) {
      await admin.get('/admin/scim');
      const del = await admin.post(`/admin/scim/tokens/${t.id}/delete`, {});
      expect(del.status).toBe(303);
      const after = visibleText((await admin.get('/admin/scim')).html);
      if (i < tokens.length - 1) expect(after).toContain('SCIM clients using it can no longer connect');
      else expect(after).toContain('It was the last one, so SSO self-signup is on again.');
    }
    expect(await server.services.store.scimTokens.countByTeam(acme.teamId)).toBe(0);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'scim-token.deleted', limit: 20 });
    expect(audit).toHaveLength(8);
    expect(audit.every((e) => e.actor.id === acme.ownerId)).toBe(true);
  });

  test('When the team has SSO connections, then the generate form offers binding a token to one, and the list names the IdP instead of its id', async () => {
    const entra = TestIdp.create({ entityId: 'https://sts.windows.net/acme/' });
    const okta = TestIdp.create({ entityId: 'http://www.okta.com/exk1acme' });
    const actor = operatorActor;
    const entraView = await server.services.idps.create(acme.teamId, { kind: 'xml', xml: entra.metadataXml({ ssoUrl: 'https://login.example/sso' }) }, { handle: 'Entra ID' }, actor);
    const oktaView = await server.services.idps.create(acme.teamId, { kind: 'xml', xml: okta.metadataXml({ ssoUrl: 'https://okta.example/sso' }) }, {}, actor);
    const page = await admin.get('/admin/scim');
    expect(page.html).toContain('<option value="">Any identity provider</option>');
    expect(page.html).toContain(`<option value="${entraView.id}">Entra ID</option>`);
    expect(page.html).toContain(`<option value="${oktaView.id}">http://www.okta.com/exk1acme</option>`);

    const res = await admin.post('/admin/scim/tokens', { description: 'Entra provisioning', password: acme.password, idp: entraView.id });
    expect(res.status).toBe(200);
    const token = (await server.services.scimTokens.list(acme.teamId)).find((t) => t.description === 'Entra provisioning')!;
    expect(token.idp).toBe(entraView.id);
    const list = await admin.get('/admin/scim');
    expect(list.html).toContain(`<td data-label="Identity provider"><a href="/admin/sso/${entraView.id}">Entra ID</a></td>`);
    expect(list.html).not.toContain(`>${entraView.id}<`);

    const gone = await admin.post('/admin/scim/tokens', { description: 'ghost', password: acme.password, idp: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(gone.status).toBe(400);
    expect(gone.html).toMatch(/id="idp-error" class="field-error">That identity provider is no longer connected/);
    await server.services.scimTokens.delete(acme.teamId, token.id, actor);
  });

  test("When an admin posts a rename or delete for another team's token, then it is not touched", async () => {
    const globex = await createTeam(server, 'Globex');
    const theirs = await server.services.scimTokens.create(globex.teamId, { description: 'theirs' }, operatorActor);
    await admin.get('/admin/scim');
    await admin.post(`/admin/scim/tokens/${theirs.info.id}/rename`, { name: 'pwned' });
    await admin.get('/admin/scim');
    await admin.post(`/admin/scim/tokens/${theirs.info.id}/delete`, {});
    expect(await server.services.store.scimTokens.get(globex.teamId, theirs.info.id)).toMatchObject({ name: 'theirs' });
  });
});
