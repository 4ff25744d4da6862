import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { sha256Hex } from '../crypto';
import { AppError } from '../http/errors';
import { SESSION_COOKIE } from '../http/session-cookie';

/** The hidden form field every page form carries. */
export const CSRF_FIELD = '_csrf';

export interface Csrf {
  /** The token for this request's forms (sets or reuses the CSRF cookie). */
  token(req: Request, res: Response): string;
  /** Refuses unsafe methods without a matching token (403 page). Needs cookie-parser and a parsed form body. */
  protect: RequestHandler;
}

/**
 * Double-submit CSRF tokens (csrf-csrf): an HMAC of the browser session, kept in an HttpOnly
 * cookie and repeated in a hidden field. The HMAC key lives in the store (src/secrets/instance-secrets.ts),
 * so every instance on one store accepts every other instance's forms.
 */
export function createCsrf(config: Config, secret: string | null): Csrf {
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => {
      if (!secret) throw new Error('the CSRF key was not loaded (only the server loads it)');
      return secret;
    },
    // Bound to the session cookie once signed in; before that (sign-in forms) to the browser alone.
    getSessionIdentifier: (req) => {
      const session = req.cookies?.[SESSION_COOKIE];
      return typeof session === 'string' && session ? sha256Hex(session) : 'anonymous';
    },
    cookieName: config.secureCookies ? '__Host-gh_csrf' : 'gh_csrf',
    cookieOptions: { sameSite: 'strict', secure: config.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return typeof field === 'string' ? field : req.get('x-csrf-token');
    },
  });
  return {
    token: (req, res) => generateCsrfToken(req, res),
    protect: (req, res, next) => {
      doubleCsrfProtection(req, res, (err?: unknown) => {
        if (err) return next(new AppError(403, 'csrf-token-invalid', 'This form has expired or was not sent from a Gatehouse page. Go back, reload the page and submit the form again.'));
        next();
      });
    },
  };
}
