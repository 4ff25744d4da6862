/** An SSO team provisioned by SCIM, its validate_saml_emails switch, and validation mails read from DATA_DIR/outbox. */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import type { TestServer } from '../../support/server';
import { parseMessage } from '../../support/smtp-server';
import { connectedIdp } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

export const EMAIL_VALIDATION = 'urn:gatehouse:scim:schemas:extension:email-validation:1.0:User';
export const LINK = /https?:\/\/[^\s"<>]+\/email-validation\?token=([A-Za-z0-9_-]+)/;

export interface SsoTeam {
  team: TestTeam;
  idp: TestIdp;
  idpId: string;
  scimToken: string;
  scim(method: string, path: string, json?: unknown): Promise<Reply>;
  /** POST /Users with an email externalId (unique unless given). */
  provision(externalId?: string): Promise<Reply>;
}

/** A team with a connected IdP and a SCIM token bound to it, minted over HTTP as an owner does. */
export async function ssoTeam(server: TestServer, name: string): Promise<SsoTeam> {
  const team = await createTeam(server, name);
  const idp = TestIdp.create({ entityId: `https://idp.${name.toLowerCase().replace(/\W/g, '')}.test/${randomUUID()}` });
  const idpId = await connectedIdp(server, team, idp);
  const minted = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description: `${name} IdP`, password: team.password, idp: idpId } });
  if (minted.status !== 200) throw new Error(`token: ${minted.status} ${minted.text}`);
  const scimToken = minted.body.token as string;
  const scim = (method: string, p: string, json?: unknown) => call(server.url, method, `/scim/v2${p}`, { token: scimToken, json, headers: { 'content-type': 'application/scim+json' } });
  const provision = (externalId = uniqueAddress()) => {
    const suffix = randomUUID().slice(0, 8);
    return scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `user.${suffix}`, displayName: `Person ${suffix}`, externalId });
  };
  return { team, idp, idpId, scimToken, scim, provision };
}

export const uniqueAddress = (prefix = 'jane') => `${prefix}.${randomUUID().slice(0, 8)}@acme.test`;

export async function setValidation(server: TestServer, team: TestTeam, on: boolean): Promise<Reply> {
  return call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { validate_saml_emails: on } });
}

export function patchOp(operations: unknown[]) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations };
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Every mail in DATA_DIR/outbox to this address, oldest first (after the deliveries under way finished). */
export async function outboxMailsTo(server: TestServer, address: string): Promise<OutboxMail[]> {
  await server.services.invitations.idle();
  const outbox = path.join(server.dataDir, 'outbox');
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => parseMessage(readFileSync(path.join(outbox, f), 'utf8')))
    .filter((m) => m.headers['to'] === address)
    .map((m) => ({ to: m.headers['to']!, subject: m.headers['subject'] ?? '', text: m.text, html: m.html }));
}

/** The validation link of the newest mail to this address (and checks the HTML part carries the same link). */
export async function newestLinkTo(server: TestServer, address: string): Promise<string> {
  const mails = await outboxMailsTo(server, address);
  const mail = mails[mails.length - 1];
  if (!mail) throw new Error(`no mail to ${address} in the outbox`);
  const match = LINK.exec(mail.text);
  if (!match) throw new Error(`no validation link in:\n${mail.text}`);
  if (!mail.html.includes(match[0])) throw new Error('the HTML part does not carry the same link');
  return match[0];
}

export const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** Opens the link page as a browser does and presses "Confirm": GET (CSRF cookie + field), then POST. */
export async function confirmLink(server: TestServer, token: string): Promise<{ page: Reply<string>; done: Reply<string> | null }> {
  const page = await call<string>(server.url, 'GET', `/email-validation?token=${encodeURIComponent(token)}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (page.status !== 200 || !csrf) return { page, done: null };
  const body = new URLSearchParams({ _csrf: csrf, token }).toString();
  const done = await call<string>(server.url, 'POST', '/email-validation', { body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  return { page, done };
}

/** Sets a user's validation links' expiry in the SQLite file directly, as time passing would. */
export function expireValidationLinks(server: TestServer, userId: string): void {
  const db = new Database(path.join(server.dataDir, 'gatehouse.db'));
  try {
    db.prepare("UPDATE invitations SET expires_at = ? WHERE user_id = ? AND purpose = 'email-validation'").run(new Date(Date.now() - 1000).toISOString(), userId);
  } finally {
    db.close();
  }
}

export async function auditActionsOf(server: TestServer, teamId: string, userId: string): Promise<string[]> {
  const entries = await server.services.store.audit.list({ teamId, limit: 200 });
  return entries.filter((e) => e.targetId === userId).map((e) => e.action).reverse();
}
