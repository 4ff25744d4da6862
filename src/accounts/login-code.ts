/**
 * Enterprise login codes: `sso-<idp uuid>`, as an admin copies it from the SSO page.
 * People paste them from mails and chats, so case, the prefix, stray whitespace (also
 * zero-width characters) and a whole login link are all forgiven.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INVISIBLE = /[\s\u200b-\u200d\u2060\ufeff]+/g;
export const LOGIN_CODE_PREFIX = 'sso-';

/** The IdP id a typed or pasted login code stands for, or null if it is not shaped like one. */
export function parseLoginCode(text: unknown): string | null {
  if (typeof text !== 'string' || text.length > 2048) return null;
  let code = text.replace(INVISIBLE, '').toLowerCase();
  if (/^https?:\/\//.test(code)) code = lastPathSegment(code);
  if (code.startsWith(LOGIN_CODE_PREFIX)) code = code.slice(LOGIN_CODE_PREFIX.length);
  return UUID.test(code) ? code : null;
}

/** The code shown to admins and end users for an IdP. */
export function loginCodeFor(idpId: string): string {
  return LOGIN_CODE_PREFIX + idpId.toLowerCase();
}

function lastPathSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    return decodeURIComponent(segments.at(-1) ?? '');
  } catch {
    return '';
  }
}
