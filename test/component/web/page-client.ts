import { randomUUID } from 'node:crypto';
import type { NewUser, Role, User } from '../../../src/store/port';
import { hashPassword } from '../../../src/accounts/passwords';
import type { TestServer } from '../../support/server';

export interface PageReply {
  status: number;
  headers: Headers;
  html: string;
  /** Redirect target, for 3xx. */
  location: string | null;
  setCookies: string[];
}

/**
 * A browser without the browser: keeps cookies like one, reads the CSRF token from the last page
 * it loaded and posts forms as application/x-www-form-urlencoded.
 */
export class PageClient {
  readonly cookies = new Map<string, string>();
  lastCsrf: string | null = null;

  constructor(private readonly base: string) {}

  async get(path: string): Promise<PageReply> {
    return this.request('GET', path);
  }

  /** Posts a form; the hidden _csrf field is added from the last page unless `csrf: false` or a value is given. */
  async post(path: string, fields: Record<string, string>, options: { csrf?: boolean | string } = {}): Promise<PageReply> {
    const body = new URLSearchParams(fields);
    if (options.csrf !== false) {
      const token = typeof options.csrf === 'string' ? options.csrf : this.lastCsrf;
      if (token) body.set('_csrf', token);
    }
    return this.request('POST', path, body.toString());
  }

  /** Posts a multipart form (a form with a file input); files are given as { filename, text }. */
  async upload(path: string, fields: Record<string, string>, files: Record<string, { filename: string; text: string }> = {}, options: { csrf?: boolean } = {}): Promise<PageReply> {
    const form = new FormData();
    if (options.csrf !== false && this.lastCsrf) form.set('_csrf', this.lastCsrf);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    for (const [k, f] of Object.entries(files)) form.set(k, new Blob([f.text], { type: 'application/xml' }), f.filename);
    return this.request('POST', path, form);
  }

  /** GET the form's page first (for its CSRF token), then post. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<PageReply> {
    await this.get(pagePath);
    return this.post(action, fields);
  }

  async signIn(email: string, password: string): Promise<PageReply> {
    return this.submit('/admin/login', '/admin/login', { email, password });
  }

  private async request(method: string, path: string, body?: string | FormData): Promise<PageReply> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html);
    if (csrf) this.lastCsrf = csrf[1]!;
    return { status: res.status, headers: res.headers, html, location: res.headers.get('location'), setCookies };
  }
}

/** Text of the page without tags, whitespace collapsed: what a person reads. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

let counter = 0;

/** A person in the team, written straight to the store the way SCIM or SSO would have created them. */
export async function addPerson(server: TestServer, teamId: string, input: { name: string; managedBy?: User['managedBy']; status?: User['status']; role?: Role; email?: string | null; scimEmail?: string; password?: string }): Promise<User> {
  counter += 1;
  const handle = `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${counter}`;
  const user: NewUser = {
    id: randomUUID(), teamId, handle, email: input.email ?? null, displayName: input.name,
    role: input.role ?? 'member', status: input.status ?? 'active', managedBy: input.managedBy ?? 'manual',
    externalId: input.managedBy === 'scim' ? (input.scimEmail ?? `${handle}@idp.test`) : null,
    passwordHash: input.password ? await hashPassword(input.password) : null, idpId: null, nameId: null,
    scim: input.scimEmail ? { emails: [{ value: input.scimEmail, primary: true, type: 'work' }] } : {},
  };
  return server.services.store.users.create(user);
}
