import { scimClient, type ScimClient, expectScimError, newUserBody } from '../scim/users-client';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { auditActions, linkIn, pathOf, submitAccept, tokenOf, uniqueEmail } from './support';

const PASSWORD = 'a good long password';

describe('SCIM provisioning into an email/password team', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let acme: ScimClient;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ SMTP_URL: smtp.url });
    acme = await scimClient(server, 'Acme Rockets', '/scim/v2', 'password');
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
    await smtp.close();
  });

  test('When POST /Users has an email externalId, then the user is pending (active false), invited, and active with a new version after accepting', async () => {
    const email = uniqueEmail();
    const created = await acme.createUser({ externalId: email.replace('invitee', 'Invitee'), active: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ active: false, externalId: email.replace('invitee', 'Invitee') });
    const id = created.body.id as string;
    const stored = await server.services.store.users.get(acme.team.teamId, id);
    expect(stored).toMatchObject({ status: 'pending', email, passwordHash: null });

    const mail = await smtp.waitForMail(email);
    expect(mail.text).toContain('Acme Rockets');
    const link = linkIn(mail);
    expect((await call(server.url, 'GET', pathOf(link))).status).toBe(200);
    expect((await submitAccept(server, tokenOf(link), PASSWORD)).status).toBe(200);

    const after = await acme.request('GET', `/Users/${id}`);
    expect(after.body.active).toBe(true);
    expect(after.body.meta.version).not.toBe(created.body.meta.version);
    expect(after.headers.get('etag')).toBe(after.body.meta.version);
    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.user).toBe(id);
    expect(await auditActions(server, acme.team.teamId, id)).toEqual(['user.created', 'invitation.created', 'invitation.sent', 'invitation.accepted']);
  });

  test('When externalId is not an email, then 400 invalidValue says why', async () => {
    const reply = await acme.createUser({ externalId: '00ujl29u0le5T6Aj10h7' });
    expectScimError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toMatch(/externalId must be the user's email address.*no SAML identity provider/);
  });

  test('When the email already signs in to another account, then 409 uniqueness', async () => {
    const reply = await acme.createUser({ externalId: acme.team.email.toUpperCase() });
    expectScimError(reply, 409, 'uniqueness');
    expect(reply.body.detail).toContain('sign-in email of an account outside the directory');
  });

  test('When a SCIM client sets active true before acceptance, then the user stays pending and the response says active false', async () => {
    const email = uniqueEmail();
    const created = await acme.createUser({ externalId: email });
    const id = created.body.id as string;
    const patched = await acme.patch(id, [{ op: 'replace', path: 'active', value: true }]);
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    const put = await acme.request('PUT', `/Users/${id}`, { ...newUserBody(), userName: created.body.userName, externalId: email, active: true });
    expect(put.status).toBe(200);
    expect(put.body.active).toBe(false);
    expect((await server.services.store.users.get(acme.team.teamId, id))?.status).toBe('pending');
    await smtp.waitForMail(email);
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1); // no re-send for an unchanged email
  });

  test('When active false follows acceptance, then the user is suspended and sign-in says so; active true reinstates', async () => {
    const email = uniqueEmail();
    const id = (await acme.createUser({ externalId: email })).body.id as string;
    expect((await submitAccept(server, tokenOf(linkIn(await smtp.waitForMail(email))), PASSWORD)).status).toBe(200);
    expect((await acme.patch(id, [{ op: 'replace', path: 'active', value: false }])).body.active).toBe(false);
    const refused = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.label).toBe('account-suspended');
    expect((await acme.patch(id, [{ op: 'replace', path: 'active', value: true }])).body.active).toBe(true);
    expect((await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(200);
  });

  test('When a pending user’s externalId changes by PATCH, then the new address is invited and the old link is dead', async () => {
    const oldEmail = uniqueEmail('old');
    const newEmail = uniqueEmail('new');
    const id = (await acme.createUser({ externalId: oldEmail })).body.id as string;
    const oldLink = linkIn(await smtp.waitForMail(oldEmail));
    const patched = await acme.patch(id, [{ op: 'replace', path: 'externalId', value: newEmail }]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ externalId: newEmail, active: false });
    const newLink = linkIn(await smtp.waitForMail(newEmail));
    expect((await call(server.url, 'GET', pathOf(oldLink))).status).toBe(410);
    expect((await submitAccept(server, tokenOf(oldLink), PASSWORD)).status).toBe(410);
    expect((await submitAccept(server, tokenOf(newLink), PASSWORD)).status).toBe(200);
    expect((await call(server.url, 'POST', '/login', { json: { email: newEmail, password: PASSWORD } })).status).toBe(200);
    expect((await call(server.url, 'POST', '/login', { json: { email: oldEmail, password: PASSWORD } })).status).toBe(403);
  });

  test('When an externalId change is not an email, then 400 invalidValue and nothing changes', async () => {
    const email = uniqueEmail();
    const id = (await acme.createUser({ externalId: email })).body.id as string;
    expectScimError(await acme.patch(id, [{ op: 'replace', path: 'externalId', value: 'not-an-email' }]), 400, 'invalidValue');
    expect((await server.services.store.users.get(acme.team.teamId, id))?.externalId).toBe(email);
  });

  test('When a pending user is deleted, then the link is dead', async () => {
    const email = uniqueEmail();
    const id = (await acme.createUser({ externalId: email })).body.id as string;
    const link = linkIn(await smtp.waitForMail(email));
    expect((await acme.request('DELETE', `/Users/${id}`)).status).toBe(204);
    const page = await call<string>(server.url, 'GET', pathOf(link));
    expect(page.status).toBe(404);
    expect(page.text).toContain('Invitation link not valid');
  });

  test('When the token is bound to an IdP, then externalId is a NameID: no email needed, no invitation', async () => {
    const sso = await scimClient(server, 'Initech');
    const before = smtp.messages.length;
    const created = await sso.createUser({ externalId: '00ujl29u0le5T6Aj10h7' });
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(true);
    await server.services.invitations.idle();
    expect(smtp.messages.length).toBe(before);
  });
});
