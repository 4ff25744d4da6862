import type { Request, Response } from 'express';
import type { Config } from '../config';

/**
 * The browser session cookie: a `session`-kind secret from AccountService.issueToken, nothing else.
 * Here, below both the pages (src/web) and SAML sign-in (src/saml), because both set and read it.
 */
export const SESSION_COOKIE = 'gh_session';

export function sessionSecretOf(req: Request): string | null {
  const value = req.cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value ? value : null;
}

/** Sets the session cookie; SAML sign-in (ACS) uses this too, after issueToken(user, 'session'). */
export function setSessionCookie(res: Response, config: Config, secret: string, maxAgeSeconds: number): void {
  res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/', maxAge: maxAgeSeconds * 1000 });
}

export function clearSessionCookie(res: Response, config: Config): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' });
}
