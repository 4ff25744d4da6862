/** Enterprise login codes: `sso-<idp uuid>`; also accepted without the prefix and in any case. */
export const LOGIN_CODE_PREFIX = 'sso-';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The IdP id a code stands for, or null if the text is not shaped like a code. */
export function idpIdFromLoginCode(code: unknown): string | null {
  if (typeof code !== 'string' || code.length > 100) return null;
  let text = code.trim().toLowerCase();
  if (text.startsWith(LOGIN_CODE_PREFIX)) text = text.slice(LOGIN_CODE_PREFIX.length);
  return UUID.test(text) ? text : null;
}

export function loginCodeOf(idpId: string): string {
  return LOGIN_CODE_PREFIX + idpId.toLowerCase();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value.toLowerCase());
}
