import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { sha256Hex } from '../crypto';
import { AppError } from '../http/errors';
import { SESSION_COOKIE } from './session';

/** The hidden form field every page form carries. */
export const CSRF_FIELD = '_csrf';
export const CSRF_KEY_FILE = 'csrf-secret.key';

export interface Csrf {
  /** The token for this request's forms (sets or reuses the CSRF cookie). */
  token(req: Request, res: Response): string;
  /** Refuses unsafe methods without a matching token (403 page). Needs cookie-parser and a parsed form body. */
  protect: RequestHandler;
}

/**
 * Double-submit CSRF tokens (csrf-csrf): an HMAC of the browser session, kept in an HttpOnly
 * cookie and repeated in a hidden field. The HMAC key is one file in CERTS_DIR, created on first
 * use, so every instance sharing the certificates volume accepts every other instance's forms.
 */
export function createCsrf(config: Config): Csrf {
  let key: string | null = null;
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => (key ??= loadOrCreateKey(path.join(config.certsDir, CSRF_KEY_FILE))),
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

function loadOrCreateKey(file: string): string {
  try {
    return checkKey(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another instance created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return checkKey(readFileSync(file, 'utf8'), file);
    throw err;
  }
}

function checkKey(text: string, file: string): string {
  const key = text.trim();
  if (key.length < 32) throw new Error(`${file} must hold at least 32 characters of random key material; delete it to have a new one created.`);
  return key;
}
