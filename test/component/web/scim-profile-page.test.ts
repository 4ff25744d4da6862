import { randomUUID } from 'node:crypto';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

describe('SCIM profile switch on the SCIM page, and the NameID rule on the SSO page', () => {
  let server: TestServer;
  let acme: TestTeam;
  let owner: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    owner = new PageClient(server.url);
    await owner.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  test('When the owner opens the SCIM page, then both profiles are offered with one sentence each, strict selected', async () => {
    const page = await owner.get('/admin/scim');
    const text = visibleText(page.html);
    expect(text).toContain('Strict (default) userName is the person’s handle');
    expect(text).toContain('Directory userName is the IdP’s login name');
    expect(page.html).toMatch(/id="scim-profile-strict"[^>]*checked/);
    expect(visibleText((await owner.get('/admin/sso')).html)).toContain('The SAML NameID must equal the SCIM externalId of the person, exactly');
  });

  test('When the owner picks directory and saves, then the team uses it, the switch is audited and the SSO page names userName as the NameID to match', async () => {
    await owner.get('/admin/scim');
    const saved = await owner.post('/admin/scim/profile', { scim_profile: 'directory' });
    expect(saved.status).toBe(303);
    const page = await owner.get('/admin/scim');
    expect(visibleText(page.html)).toContain('SCIM profile: directory.');
    expect(page.html).toMatch(/id="scim-profile-directory"[^>]*checked/);
    expect((await server.services.store.teams.get(acme.teamId))?.scimProfile).toBe('directory');
    const [entry] = await server.services.store.audit.list({ teamId: acme.teamId, action: 'team.settings.changed', limit: 1 });
    expect(entry?.details).toEqual({ scim_profile: { from: 'strict', to: 'directory' } });
    expect(visibleText((await owner.get('/admin/sso')).html)).toContain('The SAML NameID must equal the SCIM userName of the person (ignoring the case of A–Z)');
  });

  test('When an admin who is not an owner posts the switch, then the page says only an owner can, and nothing changes', async () => {
    const team = await createTeam(server, 'Beta');
    const email = `admin-${randomUUID().slice(0, 6)}@beta.test`;
    await server.services.accounts.addAdmin({ teamId: team.teamId, email, role: 'admin', password: 'correct horse battery', actor: { type: 'operator', id: null, name: 'test' } });
    const admin = new PageClient(server.url);
    await admin.signIn(email, 'correct horse battery');
    const page = await admin.get('/admin/scim');
    expect(visibleText(page.html)).toContain('Only a team owner can change the SCIM profile.');
    await admin.post('/admin/scim/profile', { scim_profile: 'directory' });
    expect(visibleText((await admin.get('/admin/scim')).html)).toContain('Only a team owner can change the SCIM profile. Ask an owner of your team.');
    expect((await server.services.store.teams.get(team.teamId))?.scimProfile).toBe('strict');
  });
});
