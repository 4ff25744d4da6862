import { operatorActor } from '../../../src/accounts/audit';
import { createScimToken, createTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { selfWithSession, signInThrough } from '../../support/sso';
import {
  EMAIL_VALIDATION,
  LINK,
  auditActionsOf,
  confirmLink,
  expireValidationLinks,
  newestLinkTo,
  outboxMailsTo,
  patchOp,
  setValidation,
  ssoTeam,
  tokenOf,
  uniqueAddress,
  type SsoTeam,
} from './support';

/** Issue 21 through the real server and the embedded store; mail goes to DATA_DIR/outbox (no SMTP_URL). */
describe('Email validation of SSO users (validate_saml_emails)', () => {
  let server: TestServer;
  let acme: SsoTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await ssoTeam(server, 'Acme');
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
  });

  const signIn = async (nameId: string) => {
    const reply = await signInThrough(server, acme.idp, acme.team.teamId, acme.idpId, { nameId });
    if (!reply.session) throw new Error(`SSO sign-in refused: ${reply.location}`);
    return selfWithSession(server, reply.session);
  };

  test('When a new team is read, then validate_saml_emails is off in GET /team and GET /team/settings', async () => {
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body).toMatchObject({ validate_saml_emails: false });
    expect((await call(server.url, 'GET', '/team/settings', { token: acme.team.accessToken })).body).toMatchObject({ validate_saml_emails: false });
  });

  test('When the flag is off and SCIM provisions an email externalId, then no mail is sent and the resource has no validation state', async () => {
    const address = uniqueAddress('off');
    const created = await acme.provision(address);
    expect(created.status).toBe(201);
    expect(created.body[EMAIL_VALIDATION]).toBeUndefined();
    expect(created.body.schemas).not.toContain(EMAIL_VALIDATION);
    expect(await outboxMailsTo(server, address)).toEqual([]);
    expect(await auditActionsOf(server, acme.team.teamId, created.body.id)).toEqual(['user.created']);
  });

  test('When an admin who is not the owner changes the flag, then 403 says only owners may, and nothing changes', async () => {
    const adminEmail = uniqueAddress('admin');
    await server.services.accounts.addAdmin({ teamId: acme.team.teamId, email: adminEmail, role: 'admin', password: 'admin password 123', actor: operatorActor });
    const login = await call(server.url, 'POST', '/login', { json: { email: adminEmail, password: 'admin password 123' } });
    const refused = await call(server.url, 'PUT', '/team/settings', { token: login.body.access_token, json: { validate_saml_emails: true } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ label: 'owner-only', message: expect.stringContaining('Only team owners may change team settings') });
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(false);
    const wrongType = await setValidation(server, acme.team, 'yes' as never);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe('validate_saml_emails must be true or false.');
  });

  test('When the owner turns the flag on, then GET /team shows it and the change is audited', async () => {
    const on = await setValidation(server, acme.team, true);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ validate_saml_emails: true, group_managed_roles: false });
    expect((await call(server.url, 'GET', '/team', { token: acme.team.accessToken })).body.validate_saml_emails).toBe(true);
    const [entry] = await server.services.store.audit.list({ teamId: acme.team.teamId, action: 'team.settings.changed', limit: 1 });
    expect(entry).toMatchObject({ actor: { type: 'user', id: acme.team.ownerId }, details: { validate_saml_emails: { from: false, to: true } } });
  });

  test('When SCIM provisions an email externalId with the flag on, then a mail with a link goes out; SSO works, /self has no email and SCIM shows it unvalidated until the link is opened', async () => {
    const externalId = uniqueAddress('Jane.Doe');
    const address = externalId.toLowerCase();
    const created = await acme.provision(externalId);
    expect(created.status).toBe(201);
    expect(created.body[EMAIL_VALIDATION]).toEqual({ email: address, validated: false });
    expect(created.body.schemas).toContain(EMAIL_VALIDATION);
    const id = created.body.id as string;

    const mails = await outboxMailsTo(server, address);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Confirm your email address for Acme');
    const link = await newestLinkTo(server, address);
    // Only the SHA-256 of the secret is stored.
    const stored = await server.services.store.invitations.findOpenForUser(acme.team.teamId, id, 'email-validation');
    expect(stored).toMatchObject({ purpose: 'email-validation', email: address });
    expect(stored!.tokenHash).not.toContain(tokenOf(link));

    const before = await signIn(externalId);
    expect(before.body).toMatchObject({ id, status: 'active', email: null });
    expect((await call(server.url, 'GET', `/users/${id}/email-validation`, { token: acme.team.accessToken })).body).toMatchObject({ email: address, validated: false, link: { status: 'pending', sent_to: address } });

    const { page, done } = await confirmLink(server, tokenOf(link));
    expect(page.status).toBe(200);
    expect(page.text).toContain(address);
    expect(page.text).toContain('Confirm your email address');
    expect(done!.status).toBe(200);
    expect(done!.text).toContain('is confirmed as your email address');

    const after = await acme.scim('GET', `/Users/${id}`);
    expect(after.body[EMAIL_VALIDATION]).toEqual({ email: address, validated: true });
    expect(after.body.meta.version).not.toBe(created.body.meta.version);
    expect((await signIn(externalId)).body.email).toBe(address);
    expect(await auditActionsOf(server, acme.team.teamId, id)).toEqual(['user.created', 'email-validation.created', 'email-validation.sent', 'sso.user.bound', 'user.email_validated']);
    const listed = await acme.scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`);
    expect(listed.body.Resources[0][EMAIL_VALIDATION]).toEqual({ email: address, validated: true });
  });

  test('When a link is opened a second time, then a page says it was already used and how to get a new one', async () => {
    const address = uniqueAddress('twice');
    await acme.provision(address);
    const token = tokenOf(await newestLinkTo(server, address));
    expect((await confirmLink(server, token)).done!.status).toBe(200);
    const again = await confirmLink(server, token);
    expect(again.page.status).toBe(410);
    expect(again.page.text).toContain('Validation link already used');
    expect(again.page.text).toContain('ask your team administrator to send a new one');
    expect(again.page.text).toContain('email-validation-used');
  });

  test('When an expired link is opened, then a page says it expired and how to get a new one, and the address stays unvalidated', async () => {
    const address = uniqueAddress('late');
    const created = await acme.provision(address);
    const token = tokenOf(await newestLinkTo(server, address));
    expireValidationLinks(server, created.body.id);
    const opened = await confirmLink(server, token);
    expect(opened.page.status).toBe(410);
    expect(opened.page.text).toContain('Validation link expired');
    expect(opened.page.text).toContain('Ask your team administrator to send a new one');
    expect(opened.done).toBeNull();
    expect((await acme.scim('GET', `/Users/${created.body.id}`)).body[EMAIL_VALIDATION]).toEqual({ email: address, validated: false });
  });

  test('When an attacker posts a made-up or an invitation-shaped token, then the page says the link is not valid and nothing is validated', async () => {
    const opened = await confirmLink(server, 'A'.repeat(43));
    expect(opened.page.status).toBe(404);
    expect(opened.page.text).toContain('Validation link not valid');
    const garbage = await call<string>(server.url, 'GET', '/email-validation?token=%3Cscript%3E');
    expect(garbage.status).toBe(404);
    expect(garbage.text).not.toContain('<script>');
  });

  test('When the identifier changes to another address, then the old link stops working, a new one goes to the new address, and a validated address stops being the sign-in email', async () => {
    const first = uniqueAddress('move');
    const created = await acme.provision(first);
    const id = created.body.id as string;
    expect((await confirmLink(server, tokenOf(await newestLinkTo(server, first)))).done!.status).toBe(200);
    expect((await signIn(first)).body.email).toBe(first);

    const second = uniqueAddress('moved');
    const moved = await acme.scim('PATCH', `/Users/${id}`, patchOp([{ op: 'replace', path: 'externalId', value: second }]));
    expect(moved.status).toBe(200);
    expect(moved.body[EMAIL_VALIDATION]).toEqual({ email: second, validated: false });
    expect(await server.services.store.users.get(acme.team.teamId, id)).toMatchObject({ email: null, externalId: second });
    const secondLink = await newestLinkTo(server, second);

    // Moved again before the second link was opened: that link is dropped too.
    const third = uniqueAddress('again');
    await acme.scim('PATCH', `/Users/${id}`, patchOp([{ op: 'replace', path: 'externalId', value: third }]));
    const stale = await confirmLink(server, tokenOf(secondLink));
    expect(stale.page.status).toBe(410);
    expect(stale.page.text).toContain('your email address changed since it was sent');
    expect((await confirmLink(server, tokenOf(await newestLinkTo(server, third)))).done!.status).toBe(200);
    expect((await signIn(third)).body.email).toBe(third);
    const actions = await auditActionsOf(server, acme.team.teamId, id);
    expect(actions).toEqual(expect.arrayContaining(['user.email_unvalidated', 'email-validation.voided']));
    expect(actions.filter((a) => a === 'user.email_validated')).toHaveLength(2);
  });

  test('When the identifier changes to something that is not an address, then no mail goes out and the open link is dropped', async () => {
    const address = uniqueAddress('gone');
    const created = await acme.provision(address);
    const link = await newestLinkTo(server, address);
    const replaced = await acme.scim('PATCH', `/Users/${created.body.id}`, patchOp([{ op: 'replace', path: 'externalId', value: '00u1abcdEFGH' }]));
    expect(replaced.status).toBe(200);
    expect(replaced.body[EMAIL_VALIDATION]).toBeUndefined();
    expect((await confirmLink(server, tokenOf(link))).page.status).toBe(410);
    expect(await outboxMailsTo(server, address)).toHaveLength(1);
  });

  test('When an admin re-sends, then a new link replaces the old one; the sixth within 15 minutes is refused with 429', async () => {
    const address = uniqueAddress('resend');
    const created = await acme.provision(address);
    const id = created.body.id as string;
    const firstLink = await newestLinkTo(server, address);
    const sent = await call(server.url, 'POST', `/users/${id}/email-validation`, { token: acme.team.accessToken });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ email: address, validated: false, link: { status: 'pending', sent_to: address } });
    expect(await outboxMailsTo(server, address)).toHaveLength(2);
    expect((await confirmLink(server, tokenOf(firstLink))).page.status).toBe(410);
    for (let i = 2; i <= 5; i++) expect((await call(server.url, 'POST', `/users/${id}/email-validation`, { token: acme.team.accessToken })).status).toBe(202);
    const limited = await call(server.url, 'POST', `/users/${id}/email-validation`, { token: acme.team.accessToken });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toContain('5 validation mails in the last 15 minutes');
    expect(await outboxMailsTo(server, address)).toHaveLength(6);
    // The newest link still works.
    expect((await confirmLink(server, tokenOf(await newestLinkTo(server, address)))).done!.status).toBe(200);
  });

  test('When an attacker who is admin of another team re-sends or reads a validation for this team’s user, then 404 and no mail; the user’s own limit is untouched', async () => {
    const other = await ssoTeam(server, 'Globex');
    const address = uniqueAddress('victim');
    const created = await acme.provision(address);
    const id = created.body.id as string;
    for (let i = 0; i < 5; i++) {
      const attempt = await call(server.url, 'POST', `/users/${id}/email-validation`, { token: other.team.accessToken });
      expect(attempt.status).toBe(404);
    }
    // The attacker used up their own allowance for that id, not the user's.
    expect((await call(server.url, 'POST', `/users/${id}/email-validation`, { token: other.team.accessToken })).status).toBe(429);
    expect((await call(server.url, 'GET', `/users/${id}/email-validation`, { token: other.team.accessToken })).status).toBe(404);
    expect(await outboxMailsTo(server, address)).toHaveLength(1);
    expect((await call(server.url, 'POST', `/users/${id}/email-validation`, { token: acme.team.accessToken })).status).toBe(202);
    // Nor can the other team's SCIM token see the user.
    expect((await other.scim('GET', `/Users/${id}`)).status).toBe(404);
  });

  test('When the re-send is asked for a password account, then 409 says why', async () => {
    const reply = await call(server.url, 'POST', `/users/${acme.team.ownerId}/email-validation`, { token: acme.team.accessToken });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ label: 'no-email-to-validate', message: expect.stringContaining('signs in with email and password') });
  });

  test('When the address already signs in to another account, then opening the link says so and nothing is validated', async () => {
    const address = acme.team.email;
    const created = await acme.provision(address.toUpperCase());
    const opened = await confirmLink(server, tokenOf(await newestLinkTo(server, address)));
    expect(opened.done!.status).toBe(409);
    expect(opened.done!.text).toContain('already the sign-in email of another account');
    expect(await server.services.store.users.get(acme.team.teamId, created.body.id)).toMatchObject({ email: null });
    expect((await acme.scim('GET', `/Users/${created.body.id}`)).body[EMAIL_VALIDATION]).toEqual({ email: address, validated: false });
  });

  test('When the flag is turned off, then new users get no mail and re-sends are refused, validated addresses stay validated, and links already sent still work', async () => {
    const kept = uniqueAddress('kept');
    const keptUser = await acme.provision(kept);
    expect((await confirmLink(server, tokenOf(await newestLinkTo(server, kept)))).done!.status).toBe(200);
    const pendingAddress = uniqueAddress('pending');
    const pendingUser = await acme.provision(pendingAddress);
    const pendingLink = await newestLinkTo(server, pendingAddress);

    expect((await setValidation(server, acme.team, false)).body.validate_saml_emails).toBe(false);
    const quiet = uniqueAddress('quiet');
    const created = await acme.provision(quiet);
    expect(created.body[EMAIL_VALIDATION]).toBeUndefined();
    expect(await outboxMailsTo(server, quiet)).toEqual([]);
    expect((await acme.scim('GET', `/Users/${keptUser.body.id}`)).body[EMAIL_VALIDATION]).toEqual({ email: kept, validated: true });
    expect((await signIn(kept)).body.email).toBe(kept);
    const refused = await call(server.url, 'POST', `/users/${pendingUser.body.id}/email-validation`, { token: acme.team.accessToken });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ label: 'email-validation-off', message: expect.stringContaining('Email validation is off in this team') });
    expect(await outboxMailsTo(server, pendingAddress)).toHaveLength(1);
    expect((await confirmLink(server, tokenOf(pendingLink))).done!.status).toBe(200);
    expect((await signIn(pendingAddress)).body.email).toBe(pendingAddress);
    const [entry] = await server.services.store.audit.list({ teamId: acme.team.teamId, action: 'team.settings.changed', limit: 1 });
    expect(entry?.details).toEqual({ validate_saml_emails: { from: true, to: false } });
  });

  test('When a SCIM client echoes the read-only extension back in a PUT, then it is ignored; when it tries to PATCH validated, then 400 mutability', async () => {
    await setValidation(server, acme.team, true);
    const address = uniqueAddress('echo');
    const created = await acme.provision(address);
    const { id, meta: _meta, ...body } = created.body;
    const put = await acme.scim('PUT', `/Users/${id}`, { ...body, [EMAIL_VALIDATION]: { email: 'attacker@evil.test', validated: true } });
    expect(put.status).toBe(200);
    expect(put.body[EMAIL_VALIDATION]).toEqual({ email: address, validated: false });
    expect(await server.services.store.users.get(acme.team.teamId, id)).toMatchObject({ email: null, scim: {} });
    const patched = await acme.scim('PATCH', `/Users/${id}`, patchOp([{ op: 'replace', path: `${EMAIL_VALIDATION}:validated`, value: true }]));
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ scimType: 'mutability', detail: expect.stringContaining('validated is read-only') });
    expect(await server.services.store.users.get(acme.team.teamId, id)).toMatchObject({ email: null });
  });
});

describe('Email validation over SMTP, and only in teams with an IdP', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
    await smtp.close();
  });

  test('When SMTP_URL is set, then the validation mail goes to the mail server with a working link', async () => {
    const acme = await ssoTeam(server, 'Acme');
    await setValidation(server, acme.team, true);
    const address = uniqueAddress('smtp');
    await acme.provision(address);
    const mail = await smtp.waitForMail(address);
    expect(mail.headers['subject']).toBe('Confirm your email address for Acme');
    const token = LINK.exec(mail.text)![1]!;
    expect((await confirmLink(server, token)).done!.status).toBe(200);
  });

  test('When the flag is on in a team without an IdP, then its SCIM users get their invitation and no validation mail', async () => {
    const team = await createTeam(server, 'Initech');
    await setValidation(server, team, true);
    const token = await createScimToken(server, team);
    const address = uniqueAddress('invitee');
    const created = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { userName: `u.${Date.now()}`, displayName: 'Invitee', externalId: address } });
    expect(created.status).toBe(201);
    expect(created.body[EMAIL_VALIDATION]).toBeUndefined();
    const mail = await smtp.waitForMail(address);
    expect(mail.headers['subject']).toBe('You are invited to join Initech');
    await server.services.invitations.idle();
    expect(smtp.messages.filter((m) => m.to.includes(address))).toHaveLength(1);
  });
});
