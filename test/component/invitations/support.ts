import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import path from 'node:path';
import type { User } from '../../../src/store/port';
import type { TestTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import type { TestServer } from '../../support/server';
import type { ReceivedMail } from '../../support/smtp-server';

export const LINK = /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=([A-Za-z0-9_-]+)/;

/** The accept link in a delivered mail's plain-text part (and checks the HTML part has the same one). */
export function linkIn(mail: { text: string; html: string }): string {
  const match = LINK.exec(mail.text);
  if (!match) throw new Error(`no invitation link in:\n${mail.text}`);
  if (!mail.html.includes(match[0])) throw new Error('the HTML part does not carry the same link');
  return match[0];
}

export function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token')!;
}

/** A browser's CSRF state: the cookie the pages set and the hidden field of their forms. */
export interface BrowserForm {
  cookie: string;
  csrf: string;
}

/** Opens a page with a form (the accept page itself when the link is good, else /login) and keeps its CSRF state. */
export async function openForm(server: TestServer, token: string): Promise<BrowserForm> {
  let page = await call<string>(server.url, 'GET', `/invitations/accept?token=${encodeURIComponent(token)}`);
  if (page.status !== 200) page = await call<string>(server.url, 'GET', '/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!csrf || !cookie) throw new Error('no CSRF form on the page');
  return { cookie, csrf };
}

/** Posts the accept form as a browser does: urlencoded, with the page's CSRF cookie and field. */
export async function submitAccept(server: TestServer, token: string, password: string, confirmation = password, form?: BrowserForm): Promise<Reply<string>> {
  const state = form ?? (await openForm(server, token));
  const body = new URLSearchParams({ _csrf: state.csrf, token, password, password_confirmation: confirmation }).toString();
  return call<string>(server.url, 'POST', '/invitations/accept', { body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: state.cookie } });
}

export const uniqueEmail = (prefix = 'invitee') => `${prefix}-${randomUUID().slice(0, 8)}@acme.test`;

/** Sets an invitation's expiry in the SQLite file directly, as time passing would. */
export function expireInvitations(server: TestServer, userId: string): void {
  const db = new Database(path.join(server.dataDir, 'gatehouse.db'));
  try {
    db.prepare('UPDATE invitations SET expires_at = ? WHERE user_id = ?').run(new Date(Date.now() - 1000).toISOString(), userId);
  } finally {
    db.close();
  }
}

export async function auditActions(server: TestServer, teamId: string, userId: string): Promise<string[]> {
  const entries = await server.services.store.audit.list({ teamId, limit: 200 });
  return entries.filter((e) => e.targetId === userId).map((e) => e.action).reverse();
}

export async function scimUser(server: TestServer, team: TestTeam, id: string): Promise<User> {
  const user = await server.services.store.users.get(team.teamId, id);
  if (!user) throw new Error(`user ${id} not found`);
  return user;
}

export type { ReceivedMail };
