/**
 * The cross-team isolation matrix: team A's three kinds of credential (admin access token,
 * SCIM token, browser session) against every team-scoped endpoint, aimed at team B's resources.
 */
import { PageClient } from '../component/web/page-client';
import { call } from './http';

export type CredentialKind = 'admin access token' | 'SCIM token' | 'browser session';

export interface Credentials {
  accessToken: string;
  scimToken: string;
  /** Signed in at /admin/login; its last loaded page holds a CSRF token for this session. */
  browser: PageClient;
}

export interface Endpoint {
  /** What the attacker tries, e.g. "read B's identity provider". */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** JSON for API endpoints, form fields for pages. */
  body?: unknown;
  contentType?: string;
  kind: 'api' | 'page' | 'scim';
  /** Other statuses that mean "refused" here (e.g. 400 unknown-idp for a ?replaces= naming B's IdP). */
  alsoRefused?: number[];
  /** A list/search of the caller's own team: 200 is fine, as long as B's data is absent. */
  ownTeamList?: boolean;
}

export interface Attempt {
  status: number;
  text: string;
  location: string | null;
}

/** Sends `endpoint` with one credential, the way that credential is normally presented. */
export async function attempt(base: string, creds: Credentials, kind: CredentialKind, endpoint: Endpoint): Promise<Attempt> {
  if (kind === 'browser session') {
    if (endpoint.method === 'GET') {
      const r = await creds.browser.get(endpoint.path);
      return { status: r.status, text: r.html, location: r.location };
    }
    if (endpoint.kind === 'page') {
      // Refresh the CSRF token from a page of our own team first, so the request reaches the handler.
      await creds.browser.get('/admin/scim');
      const r = await creds.browser.post(endpoint.path, (endpoint.body ?? {}) as Record<string, string>);
      return { status: r.status, text: r.html, location: r.location };
    }
    // A browser session presented to a JSON/SCIM API (cookie only, no bearer).
    const cookie = [...creds.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await call(base, endpoint.method, endpoint.path, { headers: { cookie, ...(endpoint.contentType ? { 'content-type': endpoint.contentType } : {}) }, ...bodyOf(endpoint) });
    return { status: r.status, text: r.text, location: r.headers.get('location') };
  }
  const token = kind === 'admin access token' ? creds.accessToken : creds.scimToken;
  const headers: Record<string, string> = {};
  if (endpoint.contentType) headers['content-type'] = endpoint.contentType;
  if (endpoint.kind === 'page') {
    headers.accept = 'text/html';
    if (endpoint.method !== 'GET') headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await call(base, endpoint.method, endpoint.path, { token, headers, body: endpoint.method === 'GET' ? undefined : new URLSearchParams((endpoint.body ?? {}) as Record<string, string>).toString() });
    return { status: r.status, text: r.text, location: r.headers.get('location') };
  }
  const r = await call(base, endpoint.method, endpoint.path, { token, headers, ...bodyOf(endpoint) });
  return { status: r.status, text: r.text, location: r.headers.get('location') };
}

function bodyOf(endpoint: Endpoint): { json?: unknown; body?: string } {
  if (endpoint.body === undefined) return {};
  return typeof endpoint.body === 'string' ? { body: endpoint.body } : { json: endpoint.body };
}

/** The markers of B's data that occur in a response, leaving out what the attacker sent themselves. */
export function leakedMarkers(reply: Attempt, endpoint: Endpoint, markers: Record<string, string>): string[] {
  const sent = safeDecode(endpoint.path) + JSON.stringify(endpoint.body ?? '');
  const haystack = reply.text + (reply.location ?? '');
  return Object.entries(markers)
    .filter(([, value]) => !sent.includes(value) && haystack.includes(value))
    .map(([name]) => name);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
