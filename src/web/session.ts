import type { RequestHandler, Response } from 'express';
import type { Authenticated } from '../accounts/account-service';
import type { Config } from '../config';
import { AppError } from '../http/errors';
import { authenticateWith, type Authenticator } from '../http/passport';
import { clearSessionCookie, SESSION_COOKIE } from '../http/session-cookie';
import type { SessionRefusal } from '../http/session-cookie-strategy';

/** The signed-in person behind this page request, if any (set by loadViewer). */
export function viewerOf(res: Response): Authenticated | null {
  return (res.locals.viewer as Authenticated | undefined) ?? null;
}

export function requireViewer(res: Response): Authenticated {
  const viewer = viewerOf(res);
  if (!viewer) throw new Error('requireViewer called on a page without a session guard');
  return viewer;
}

export const isTeamAdmin = (viewer: Authenticated | null) => viewer?.user.role === 'owner' || viewer?.user.role === 'admin';

/** Cookie → res.locals.viewer (any role), through passport (SessionCookieStrategy). Needs cookie-parser. A stale cookie is dropped. */
export function loadViewer(auth: Authenticator, config: Config): RequestHandler {
  return authenticateWith<Authenticated, SessionRefusal>(auth, 'session-cookie', (verdict, req, res, next) => {
    if (verdict.ok) res.locals.viewer = verdict.principal;
    else if (verdict.reason === 'invalid') {
      clearSessionCookie(res, config);
      // Forms on this response must not be bound to the dead session (see csrf.ts).
      delete (req.cookies as Record<string, unknown>)[SESSION_COOKIE];
    }
    next();
  });
}

/** Only a safe local path under `prefix` may be a post-sign-in target (no open redirect). */
export function safeReturnPath(value: unknown, prefix: string, fallback: string): string {
  if (typeof value !== 'string' || value.length > 512) return fallback;
  if (!value.startsWith(prefix) || value.startsWith('//') || /[\\\s]/.test(value)) return fallback;
  return value;
}

/** Team management pages: signed-in owners and admins; others are sent to sign in. */
export const requireAdminPage: RequestHandler = (req, res, next) => {
  const viewer = viewerOf(res);
  if (!viewer) {
    const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    return res.redirect(303, `/admin/login${back}`);
  }
  if (!isTeamAdmin(viewer))
    throw new AppError(403, 'insufficient-role', 'Team management is for team owners and admins. Your own account is on the "My account" page.');
  next();
};
