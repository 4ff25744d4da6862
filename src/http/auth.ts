import type { Request, RequestHandler, Response } from 'express';
import type { Authenticated } from '../accounts/account-service';
import { forbidden } from './errors';
import { requirePrincipal, type Authenticator } from './passport';

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** The signed-in user behind this request (set by requireAccess). */
export function authOf(res: Response): Authenticated {
  const auth = res.locals.auth as Authenticated | undefined;
  if (!auth) throw new Error('authOf called on a route without requireAccess');
  return auth;
}

/** Bearer access token (from POST /login or POST /access) → res.locals.auth, through passport (AccessTokenStrategy). */
export function requireAccess(auth: Authenticator): RequestHandler {
  return requirePrincipal(auth, 'access-token', 'auth');
}

/** Only team owners and admins pass. */
export const requireAdminRole: RequestHandler = (_req, res, next) => {
  const { user } = authOf(res);
  if (user.role !== 'owner' && user.role !== 'admin')
    throw forbidden('insufficient-role', 'Only team owners and admins may do this.');
  next();
};
