import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

/** People → "Resend invitation" on pending rows, through InvitationService (the POST /users/{id}/invitation service). */
describe('People page: resending invitations', () => {
  let server: TestServer;
  let acme: TestTeam;
  let admin: PageClient;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
  });
  afterAll(() => server.close());

  const rowOf = (html: string, name: string) => /<tr>[\s\S]*?<\/tr>/g.exec(html.slice(html.indexOf(name) - 400))?.[0] ?? '';

  test('When a person is pending, then their row offers "Resend invitation", and sending it makes a new open invitation and says where it went', async () => {
    const pat = await addPerson(server, acme.teamId, { name: 'Pat Pending', status: 'pending', email: 'pat@acme.test' });
    await addPerson(server, acme.teamId, { name: 'Andy Active', email: 'andy@acme.test' });
    const page = await admin.get('/admin/people');
    expect(page.html).toContain(`action="/admin/people/${pat.id}/invitation"`);
    expect(page.html).toContain('Resend invitation<span class="visually-hidden"> to Pat Pending</span>');
    expect(page.html.match(/Resend invitation</g)).toHaveLength(1);

    const res = await admin.post(`/admin/people/${pat.id}/invitation`, { back: '/admin/people' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/people');
    expect(visibleText((await admin.get('/admin/people')).html)).toContain('Sent a new invitation to pat@acme.test. The link in earlier invitations no longer works.');
    expect(await server.services.store.invitations.findOpenForUser(acme.teamId, pat.id)).toMatchObject({ userId: pat.id });
  });

  test('When a pending person has no email address, then there is no resend button to fail', async () => {
    const noMail = await addPerson(server, acme.teamId, { name: 'Nomail Pending', status: 'pending', managedBy: 'scim' });
    const page = await admin.get('/admin/people?q=Nomail');
    expect(page.html).not.toContain(`action="/admin/people/${noMail.id}/invitation"`);
  });

  test('When a person is no longer pending, then the page says why nothing was sent', async () => {
    const andy = await addPerson(server, acme.teamId, { name: 'Already Active', email: 'already@acme.test' });
    await admin.get('/admin/people');
    const res = await admin.post(`/admin/people/${andy.id}/invitation`, {});
    expect(res.status).toBe(303);
    expect(visibleText((await admin.get('/admin/people')).html)).toContain('Not sent: This user is active');
  });

  test('When the same person is sent 5 invitations in 15 minutes, then the 6th is refused with a wait message on the People page', async () => {
    const sam = await addPerson(server, acme.teamId, { name: 'Sam Spam', status: 'pending', email: 'sam@acme.test' });
    for (let i = 0; i < 5; i++) {
      await admin.get('/admin/people');
      expect((await admin.post(`/admin/people/${sam.id}/invitation`, {})).status).toBe(303);
    }
    await admin.get('/admin/people');
    const sixth = await admin.post(`/admin/people/${sam.id}/invitation`, {});
    expect(sixth.status).toBe(303);
    expect(visibleText((await admin.get('/admin/people')).html)).toContain('Not sent: This person was sent 5 invitations in the last 15 minutes');
  });

  test('When the resend form is posted without its CSRF token, then it is refused and no invitation is made', async () => {
    const kim = await addPerson(server, acme.teamId, { name: 'Kim Pending', status: 'pending', email: 'kim@acme.test' });
    await admin.get('/admin/people');
    const res = await admin.post(`/admin/people/${kim.id}/invitation`, {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(await server.services.store.invitations.findOpenForUser(acme.teamId, kim.id)).toBeNull();
  });
});
