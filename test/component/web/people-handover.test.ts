/** People page → "Hand to directory": a CSRF-protected form with a confirmation that says what it means. */
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('People page: hand a password account to the directory', () => {
  let server: TestServer;
  let acme: TestTeam;
  let owner: PageClient;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    token = await createScimToken(server, acme);
    owner = new PageClient(server.url);
    await owner.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  const rowOf = (html: string, name: string) => {
    const row = html.split('<tr>').find((r) => r.includes(`>${name}<`));
    if (!row) throw new Error(`no row for ${name}`);
    return row;
  };

  test('When the owner looks at People, then password accounts but not the owner themselves offer "Hand to directory" with a confirmation saying what it means', async () => {
    await addPerson(server, acme.teamId, { name: 'Paula Password', role: 'admin', email: 'paula@acme.test', password: 'paula-password-1' });
    await addPerson(server, acme.teamId, { name: 'Ivy Directory', managedBy: 'scim' });
    const page = await owner.get('/admin/people');
    const paula = rowOf(page.html, 'Paula Password');
    expect(paula).toContain('/hand-to-directory');
    expect(visibleText(paula)).toContain('Hand to directory');
    expect(paula).toContain('Your identity provider (SCIM) can then see, change, suspend and delete them');
    expect(paula).toContain('They keep their role and password until the directory changes them.');
    expect(rowOf(page.html, 'Ivy Directory')).not.toContain('/hand-to-directory');
    expect(rowOf(page.html, acme.email.split('@')[0]!)).not.toContain('/hand-to-directory');
    expect(visibleText(page.html)).toContain('Password accounts (owners and admins) are outside the directory: SCIM does not list them and cannot change them.');
  });

  test('When the form is posted without its CSRF token, then 403 and the person stays outside the directory', async () => {
    const mel = await addPerson(server, acme.teamId, { name: 'Mel Forged', role: 'admin', email: 'mel@acme.test' });
    await owner.get('/admin/people');
    const forged = await owner.post(`/admin/people/${mel.id}/hand-to-directory`, {}, { csrf: false });
    expect(forged.status).toBe(403);
    expect((await server.services.store.users.get(acme.teamId, mel.id))!.managedBy).toBe('manual');
  });

  test('When the owner hands an admin over on the page, then a sentence confirms it, the row shows SCIM, the audit log has it and SCIM can suspend them', async () => {
    const nora = await addPerson(server, acme.teamId, { name: 'Nora Handed', role: 'admin', email: 'nora@acme.test', password: 'nora-password-1' });
    await owner.get('/admin/people?q=nora');
    const posted = await owner.post(`/admin/people/${nora.id}/hand-to-directory`, { back: '/admin/people?q=nora' });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/admin/people?q=nora');
    const after = await owner.get('/admin/people?q=nora');
    expect(visibleText(after.html)).toContain('Handed Nora Handed to the directory. Your identity provider (SCIM) can now see, change, suspend and delete them');
    const row = visibleText(rowOf(after.html, 'Nora Handed'));
    expect(row).toContain('SCIM');
    expect(row).toContain('Managed by your identity provider');
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'user.handed_to_directory', limit: 5 });
    expect(audit.map((e) => [e.targetId, e.actor.id])).toEqual([[nora.id, acme.ownerId]]);

    const suspended = await call(server.url, 'PATCH', `/scim/v2/Users/${nora.id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } });
    expect(suspended.status).toBe(200);
    expect((await server.services.store.users.get(acme.teamId, nora.id))!.status).toBe('suspended');
  });

  test('When the owner posts a hand-over of themselves, then the page says why not and nothing changes', async () => {
    await owner.get('/admin/people');
    const posted = await owner.post(`/admin/people/${acme.ownerId}/hand-to-directory`, {});
    expect(posted.status).toBe(303);
    expect(visibleText((await owner.get('/admin/people')).html)).toContain('Not handed over: You cannot hand yourself to the directory');
    expect((await server.services.store.users.get(acme.teamId, acme.ownerId))!.managedBy).toBe('manual');
  });
});
