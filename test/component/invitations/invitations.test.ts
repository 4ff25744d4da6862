import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../../src/accounts/passwords';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { scimClient, type ScimClient } from '../scim/users-client';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { parseMessage, startSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { auditActions, expireInvitations, linkIn, pathOf, scimUser, submitAccept, tokenOf, uniqueEmail } from './support';

const PASSWORD = 'a good long password';

/** SCIM clients of email/password teams (token not bound to an IdP), by team id. */
const clients = new Map<string, ScimClient>();

async function passwordTeam(server: TestServer, name: string): Promise<TestTeam> {
  const client = await scimClient(server, name, '/scim/v2', 'password');
  clients.set(client.team.teamId, client);
  return client.team;
}

/** POST /Users as a directory does it in an email/password team: externalId is the email. */
async function provision(_server: TestServer, team: TestTeam, email: string): Promise<string> {
  const reply = await clients.get(team.teamId)!.createUser({ externalId: email });
  if (reply.status !== 201) throw new Error(`provisioning failed: ${reply.text}`);
  return reply.body.id as string;
}

async function changeEmail(_server: TestServer, team: TestTeam, userId: string, email: string): Promise<void> {
  const reply = await clients.get(team.teamId)!.patch(userId, [{ op: 'replace', path: 'externalId', value: email }]);
  if (reply.status !== 200) throw new Error(`PATCH failed: ${reply.text}`);
}

async function setActive(team: TestTeam, userId: string, active: boolean): Promise<void> {
  const reply = await clients.get(team.teamId)!.patch(userId, [{ op: 'replace', path: 'active', value: active }]);
  if (reply.status !== 200) throw new Error(`PATCH failed: ${reply.text}`);
}

describe('Invitations over a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let acme: TestTeam;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Gatehouse <noreply@gatehouse.test>' });
    acme = await passwordTeam(server, 'Acme Rockets');
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
    await smtp.close();
  });

  test('When a user is provisioned, then the mail arrives, the link sets a password, the user is active and can sign in', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const before = await scimUser(server, acme, id);
    expect(before).toMatchObject({ status: 'pending', email, passwordHash: null });

    const mail = await smtp.waitForMail(email);
    expect(mail.from).toBe('noreply@gatehouse.test');
    expect(mail.headers.subject).toContain('Acme Rockets');
    expect(mail.text).toContain('Acme Rockets');
    expect(mail.text).toMatch(/expires on \w+day, \d{1,2} \w+ \d{4}, \d\d:\d\d UTC/);
    expect(mail.html).toContain('Acme Rockets');
    expect(mail.html).not.toMatch(/<img|tracking|utm_/i); // no tracking
    const link = linkIn(mail);
    expect(link.startsWith(`${server.url}/invitations/accept?token=`)).toBe(true);
    expect(tokenOf(link)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const page = await call<string>(server.url, 'GET', pathOf(link));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Join Acme Rockets');
    expect(page.text).toContain(email);
    expect(page.text).toContain('minlength="8"');

    const mismatch = await submitAccept(server, tokenOf(link), PASSWORD, 'something else entirely');
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('do not match');
    const short = await submitAccept(server, tokenOf(link), 'short');
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 8 characters');
    expect((await scimUser(server, acme, id)).status).toBe('pending');

    const accepted = await submitAccept(server, tokenOf(link), PASSWORD);
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('Your account is active');
    const after = await scimUser(server, acme, id);
    expect(after).toMatchObject({ status: 'active', version: before.version + 1 });

    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const self = await call(server.url, 'GET', '/self', { token: login.body.access_token });
    expect(self.body).toMatchObject({ id, team: acme.teamId, email, status: 'active', role: 'member' });

    expect(await auditActions(server, acme.teamId, id)).toEqual(['user.created', 'invitation.created', 'invitation.sent', 'invitation.accepted']);
  });

  test('When the team name contains markup, then the accept page shows it as text', async () => {
    const evil = await passwordTeam(server, '<b>Evil</b> & Co');
    const email = uniqueEmail();
    await provision(server, evil, email);
    const page = await call<string>(server.url, 'GET', pathOf(linkIn(await smtp.waitForMail(email))));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Join &lt;b&gt;Evil&lt;/b&gt; &amp; Co');
    expect(page.text).not.toContain('<b>Evil</b>');
  });

  test('When a used link is opened or posted again, then a clear 410 page says it was used', async () => {
    const email = uniqueEmail();
    await provision(server, acme, email);
    const link = linkIn(await smtp.waitForMail(email));
    expect((await submitAccept(server, tokenOf(link), PASSWORD)).status).toBe(200);
    const again = await call<string>(server.url, 'GET', pathOf(link));
    expect(again.status).toBe(410);
    expect(again.text).toContain('Invitation already used');
    const repost = await submitAccept(server, tokenOf(link), 'another password 123');
    expect(repost.status).toBe(410);
    expect((await call(server.url, 'POST', '/login', { json: { email, password: 'another password 123' } })).status).toBe(403);
  });

  test('When a link is tampered with or truncated, then a 404 page says it is not valid and nothing changes', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const token = tokenOf(linkIn(await smtp.waitForMail(email)));
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const bad of [flipped, token.slice(0, -1), `${token}x`, '', '../../etc/passwd']) {
      const page = await call<string>(server.url, 'GET', `/invitations/accept?token=${encodeURIComponent(bad)}`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('Invitation link not valid');
      expect((await submitAccept(server, bad, PASSWORD)).status).toBe(404);
    }
    expect((await call(server.url, 'GET', '/invitations/accept')).status).toBe(404);
    expect((await scimUser(server, acme, id)).status).toBe('pending');
  });

  test('When the accept form is posted without the page’s CSRF cookie and field, then 403 and the link still works', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const token = tokenOf(linkIn(await smtp.waitForMail(email)));
    const body = new URLSearchParams({ token, password: PASSWORD, password_confirmation: PASSWORD }).toString();
    const forged = await call<string>(server.url, 'POST', '/invitations/accept', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('csrf-token-invalid');
    expect((await scimUser(server, acme, id)).status).toBe('pending');
    expect((await submitAccept(server, token, PASSWORD)).status).toBe(200);
  });

  test('When a link has expired, then a 410 page says so, and the user stays pending', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const token = tokenOf(linkIn(await smtp.waitForMail(email)));
    expireInvitations(server, id);
    const page = await call<string>(server.url, 'GET', `/invitations/accept?token=${token}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('Invitation expired');
    expect(page.text).toContain('Ask your team administrator to send a new invitation');
    expect((await submitAccept(server, token, PASSWORD)).status).toBe(410);
    expect((await scimUser(server, acme, id)).status).toBe('pending');
    const status = await call(server.url, 'GET', `/users/${id}/invitation`, { token: acme.accessToken });
    expect(status.body).toMatchObject({ status: 'expired', sent_to: email });
  });

  test('When a pending user tries to sign in, then 403 — the same answer as a wrong password, since no password exists yet', async () => {
    const email = uniqueEmail();
    await provision(server, acme, email);
    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body.label).toBe('invalid-credentials');
  });

  test('When a pending account has a password (set outside the invitation), then sign-in is refused with account-pending', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const user = await scimUser(server, acme, id);
    await server.services.store.users.update({ ...user, passwordHash: await hashPassword(PASSWORD) }, user.version);
    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ label: 'account-pending', message: expect.stringContaining('invitation') });
  });

  test('When an accepted user is suspended, then sign-in is refused with account-suspended', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    expect((await submitAccept(server, tokenOf(linkIn(await smtp.waitForMail(email))), PASSWORD)).status).toBe(200);
    await setActive(acme, id, false);
    const login = await call(server.url, 'POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body.label).toBe('account-suspended');
  });

  test('When a pending user’s email changes, then the new address gets a new link and the old link is dead', async () => {
    const oldEmail = uniqueEmail('old');
    const newEmail = uniqueEmail('new');
    const id = await provision(server, acme, oldEmail);
    const oldLink = linkIn(await smtp.waitForMail(oldEmail));
    await changeEmail(server, acme, id, newEmail);
    const newLink = linkIn(await smtp.waitForMail(newEmail));
    expect(newLink).not.toBe(oldLink);
    const dead = await call<string>(server.url, 'GET', pathOf(oldLink));
    expect(dead.status).toBe(410);
    expect(dead.text).toContain('Invitation replaced');
    expect((await submitAccept(server, tokenOf(oldLink), PASSWORD)).status).toBe(410);
    expect((await submitAccept(server, tokenOf(newLink), PASSWORD)).status).toBe(200);
    expect((await call(server.url, 'POST', '/login', { json: { email: newEmail, password: PASSWORD } })).status).toBe(200);
  });

  test('When a pending user is deleted, then the link is dead', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    const link = linkIn(await smtp.waitForMail(email));
    expect((await clients.get(acme.teamId)!.request('DELETE', `/Users/${id}`)).status).toBe(204);
    expect(await auditActions(server, acme.teamId, id)).toEqual(expect.arrayContaining(['user.deleted', 'invitation.voided']));
    expect((await call(server.url, 'GET', pathOf(link))).status).toBe(404);
    expect((await submitAccept(server, tokenOf(link), PASSWORD)).status).toBe(404);
  });

  describe('admin re-send and status API', () => {
    test('When an admin re-sends, then 202, a new link goes out, the old one is replaced, and it is audited', async () => {
      const email = uniqueEmail();
      const id = await provision(server, acme, email);
      const first = linkIn(await smtp.waitForMail(email));
      const count = smtp.messages.length;
      const resend = await call(server.url, 'POST', `/users/${id}/invitation`, { token: acme.accessToken });
      expect(resend.status).toBe(202);
      expect(resend.body).toEqual({ status: 'pending', sent_to: email, created_at: expect.any(String), expires_at: expect.any(String), last_send_error: null });
      await server.services.invitations.idle();
      expect(smtp.messages.length).toBe(count + 1);
      const second = linkIn(smtp.messages.at(-1)!);
      expect(second).not.toBe(first);
      expect((await call(server.url, 'GET', pathOf(first))).status).toBe(410);
      expect((await call(server.url, 'GET', pathOf(second))).status).toBe(200);
      const actions = await auditActions(server, acme.teamId, id);
      expect(actions.filter((a) => a === 'invitation.created')).toHaveLength(2);
      const entries = await server.services.store.audit.list({ teamId: acme.teamId, limit: 50, action: 'invitation.created' });
      expect(entries.find((e) => e.targetId === id && e.details.reason === 'resent')?.actor).toMatchObject({ type: 'user', id: acme.ownerId });
    });

    test('When the status is asked, then it shows where it went and when it expires', async () => {
      const email = uniqueEmail();
      const id = await provision(server, acme, email);
      await server.services.invitations.idle();
      const status = await call(server.url, 'GET', `/users/${id}/invitation`, { token: acme.accessToken });
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ status: 'pending', sent_to: email, last_send_error: null });
      const hours = (Date.parse(status.body.expires_at) - Date.parse(status.body.created_at)) / 3_600_000;
      expect(hours).toBe(24 * 7);
    });

    test('When the user is not pending, unknown, in another team, or the caller is no admin, then clear 4xx', async () => {
      const active = await call(server.url, 'POST', `/users/${acme.ownerId}/invitation`, { token: acme.accessToken });
      expect(active.status).toBe(409);
      expect(active.body.label).toBe('not-pending');
      expect((await call(server.url, 'GET', `/users/${acme.ownerId}/invitation`, { token: acme.accessToken })).body.label).toBe('no-open-invitation');
      expect((await call(server.url, 'POST', `/users/${randomUUID()}/invitation`, { token: acme.accessToken })).status).toBe(404);
      expect((await call(server.url, 'POST', '/users/not-a-uuid/invitation', { token: acme.accessToken })).status).toBe(400);
      expect((await call(server.url, 'POST', `/users/${acme.ownerId}/invitation`)).status).toBe(401);

      const email = uniqueEmail();
      const id = await provision(server, acme, email);
      const globex = await createTeam(server, 'Globex');
      const foreign = await call(server.url, 'POST', `/users/${id}/invitation`, { token: globex.accessToken });
      expect(foreign.status).toBe(404);
      expect((await call(server.url, 'GET', `/users/${id}/invitation`, { token: globex.accessToken })).status).toBe(404);

      // A member (accepted invitee) is not an admin.
      const memberEmail = uniqueEmail('member');
      await provision(server, acme, memberEmail);
      expect((await submitAccept(server, tokenOf(linkIn(await smtp.waitForMail(memberEmail))), PASSWORD)).status).toBe(200);
      const member = await call(server.url, 'POST', '/login', { json: { email: memberEmail, password: PASSWORD } });
      const denied = await call(server.url, 'POST', `/users/${id}/invitation`, { token: member.body.access_token });
      expect(denied.status).toBe(403);
      expect(denied.body.label).toBe('insufficient-role');
    });

    test('When one user is re-sent more than 5 invitations in 15 minutes, then the 6th is rate-limited', async () => {
      const id = await provision(server, acme, uniqueEmail());
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await call(server.url, 'POST', `/users/${id}/invitation`, { token: acme.accessToken })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
      await server.services.invitations.idle();
    });
  });
});

describe('Invitations when the SMTP server is down', () => {
  let smtp: TestSmtpServer | undefined;
  let server: TestServer;
  let acme: TestTeam;
  let port: number;

  beforeAll(async () => {
    const probe = await startSmtpServer();
    port = probe.port;
    await probe.close(); // nothing listens there now: connections are refused
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    acme = await passwordTeam(server, 'Initech');
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
    await smtp?.close();
  });

  test('When sending fails, then the user is kept pending, the failure is visible and audited, and a re-send works once SMTP is back', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    await server.services.invitations.idle();
    expect(await scimUser(server, acme, id)).toMatchObject({ status: 'pending', email });

    const status = await call(server.url, 'GET', `/users/${id}/invitation`, { token: acme.accessToken });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'pending', sent_to: email, last_send_error: expect.stringMatching(/ECONNREFUSED/) });
    expect(await auditActions(server, acme.teamId, id)).toEqual(['user.created', 'invitation.created', 'invitation.send-failed']);
    expect(server.logs.some((l) => l.includes('invitation email could not be sent'))).toBe(true);

    smtp = await startSmtpServer(port);
    expect((await call(server.url, 'POST', `/users/${id}/invitation`, { token: acme.accessToken })).status).toBe(202);
    const link = linkIn(await smtp.waitForMail(email));
    await server.services.invitations.idle();
    expect((await call(server.url, 'GET', `/users/${id}/invitation`, { token: acme.accessToken })).body.last_send_error).toBeNull();
    expect((await submitAccept(server, tokenOf(link), PASSWORD)).status).toBe(200);
    expect((await scimUser(server, acme, id)).status).toBe('active');
  });
});

describe('Invitations in outbox mode (no SMTP_URL)', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
    acme = await passwordTeam(server, 'Umbrella');
  });
  afterAll(async () => {
    await server.services.invitations.idle();
    await server.close();
  });

  test('When no SMTP server is configured, then the invitation is an .eml file in DATA_DIR/outbox with a working link, and the log says where', async () => {
    const email = uniqueEmail();
    const id = await provision(server, acme, email);
    await server.services.invitations.idle();
    const outbox = path.join(server.dataDir, 'outbox');
    expect(server.logs.some((l) => l.includes(outbox) && l.includes('SMTP_URL is not set'))).toBe(true);
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const file = path.join(outbox, files[0]!);
    expect(server.logs.some((l) => l.includes(JSON.stringify(file).slice(1, -1)))).toBe(true);
    const mail = parseMessage(readFileSync(file, 'utf8'));
    expect(mail.headers.to).toContain(email);
    const link = linkIn(mail);
    expect((await submitAccept(server, tokenOf(link), PASSWORD)).status).toBe(200);
    expect((await scimUser(server, acme, id)).status).toBe('active');
    expect(await auditActions(server, acme.teamId, id)).toEqual(['user.created', 'invitation.created', 'invitation.sent', 'invitation.accepted']);
  });
});
