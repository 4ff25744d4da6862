/** Drives SAML sign-in against the real server the way a browser and an IdP would. */
import { toPem } from '../../src/saml/certificates';
import type { TestTeam } from './fixtures';
import { call, type Reply } from './http';
import type { TestServer } from './server';
import { parseFormPostHtml, TestIdp, type ParsedAuthnRequest, type ResponseOptions } from './test-idp';

export const IDP_SSO_URL = 'https://idp.test/sso';

export function spOf(server: TestServer, teamId: string) {
  return { entityId: `${server.url}/sso/metadata/${teamId}`, acsUrl: `${server.url}/sso/finalize-login/${teamId}` };
}

/** The SP signing certificate, read from the team's published metadata like an IdP would. */
export async function spCertPem(server: TestServer, teamId: string): Promise<string> {
  const metadata = await call(server.url, 'GET', `/sso/metadata/${teamId}`);
  const body = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(metadata.text)?.[1];
  if (!body) throw new Error(`no certificate in SP metadata: ${metadata.text.slice(0, 200)}`);
  return toPem(body);
}

/** The SP encryption certificates the team's metadata publishes (current first), as an IdP would read them. */
export async function spEncryptionCertPems(server: TestServer, teamId: string): Promise<string[]> {
  const metadata = await call(server.url, 'GET', `/sso/metadata/${teamId}`);
  return [...metadata.text.matchAll(/<md:KeyDescriptor use="encryption">[\s\S]*?<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map((m) => toPem(m[1]!));
}

/** POST /identity-providers with the test IdP's metadata as raw XML. */
export async function connectIdp(
  server: TestServer,
  team: TestTeam,
  idp: TestIdp,
  query = '',
  metadata: { binding?: 'post' | 'redirect' | 'both' } = {},
): Promise<Reply> {
  return call(server.url, 'POST', `/identity-providers${query}`, {
    token: team.accessToken,
    body: idp.metadataXml({ ssoUrl: IDP_SSO_URL, ...metadata }),
    headers: { 'content-type': 'application/xml' },
  });
}

export async function connectedIdp(server: TestServer, team: TestTeam, idp: TestIdp, query = ''): Promise<string> {
  const res = await connectIdp(server, team, idp, query);
  if (res.status !== 201) throw new Error(`IdP connection failed: ${res.status} ${res.text}`);
  return res.body.id;
}

export interface StartedLogin {
  request: ParsedAuthnRequest;
  relayState: string;
  /** The Cookie header this browser sends afterwards: the request-binding cookie the start set. */
  cookie: string;
}

/** `name=value` pairs of every Set-Cookie on a reply (fetch joins them; Headers.getSetCookie splits them). */
export function cookiesSet(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq).trim()] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return out;
}

/** Merges Set-Cookie into a Cookie header, like a browser's jar (an empty value deletes). */
export function withCookies(cookie: string, headers: Headers): string {
  const jar = new Map(cookie.split('; ').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
  for (const [name, value] of Object.entries(cookiesSet(headers))) {
    if (value) jar.set(name, encodeURIComponent(value));
    else jar.delete(name);
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
}

/**
 * GET /sso/initiate-login (or another start path) and read the AuthnRequest off the auto-post page,
 * checking its signature. `cookie` is what this browser already holds (another sign-in's binding).
 */
export async function startLogin(server: TestServer, idp: TestIdp, teamId: string, path: string, cookie = ''): Promise<StartedLogin> {
  const page = await call(server.url, 'GET', path, cookie ? { headers: { cookie } } : {});
  if (page.status !== 200) throw new Error(`initiate failed: ${page.status} ${page.text}`);
  const form = parseFormPostHtml(page.text);
  const request = idp.parseAuthnRequest({ form: form.fields }, await spCertPem(server, teamId));
  return { request, relayState: form.fields.RelayState!, cookie: withCookies(cookie, page.headers) };
}

export interface AcsReply {
  status: number;
  location: string | null;
  /** The gh_session cookie value, when one was set. */
  session: string | null;
  setCookie: string | null;
  /** The browser's Cookie header after this reply (the posted one with Set-Cookie applied). */
  cookie: string;
}

/** POSTs the ACS form as a browser would; `cookie` is the Cookie header that browser sends (none: a fresh browser). */
export async function postToAcs(server: TestServer, teamId: string, fields: Record<string, string>, cookie = ''): Promise<AcsReply> {
  const res = await fetch(`${server.url}/sso/finalize-login/${teamId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  await res.text();
  const setCookie = res.headers.get('set-cookie');
  const session = setCookie ? (/gh_session=([^;]*)/.exec(setCookie)?.[1] ?? null) : null;
  return { status: res.status, location: res.headers.get('location'), session: session || null, setCookie, cookie: withCookies(cookie, res.headers) };
}

/**
 * Answers a started login with a response built from `options` (defaults: a valid signed response
 * for `nameId`), posted from the browser that started it (its binding cookie) unless `cookie` says otherwise.
 */
export async function answer(server: TestServer, idp: TestIdp, teamId: string, login: StartedLogin, options: Partial<ResponseOptions> = {}, cookie: string = login.cookie): Promise<AcsReply> {
  const samlResponse = idp.responseBase64({ sp: spOf(server, teamId), inResponseTo: login.request.id, ...options });
  return postToAcs(server, teamId, { SAMLResponse: samlResponse, RelayState: login.relayState }, cookie);
}

/** The whole flow: initiate → AuthnRequest → signed response → ACS. */
export async function signInThrough(server: TestServer, idp: TestIdp, teamId: string, idpId: string, options: Partial<ResponseOptions> = {}, query = ''): Promise<AcsReply> {
  const login = await startLogin(server, idp, teamId, `/sso/initiate-login/${idpId}${query}`);
  return answer(server, idp, teamId, login, options);
}

/** Session cookie → POST /access → GET /self. */
export async function selfWithSession(server: TestServer, session: string): Promise<Reply> {
  const access = await call(server.url, 'POST', '/access', { headers: { cookie: `gh_session=${session}` } });
  if (access.status !== 200) throw new Error(`POST /access failed: ${access.status} ${access.text}`);
  return call(server.url, 'GET', '/self', { token: access.body.access_token });
}

export function labelOf(location: string | null): string | null {
  return location ? new URL(location, 'http://x').searchParams.get('label') : null;
}
