import type { RequestHandler, Response } from 'express';
import { requirePrincipal, type Authenticator } from '../http/passport';
import type { ScimToken } from '../store/port';

/** The SCIM token behind this request (set by requireScimToken). */
export function scimTokenOf(res: Response): ScimToken {
  const token = res.locals.scimToken as ScimToken | undefined;
  if (!token) throw new Error('scimTokenOf called on a route without requireScimToken');
  return token;
}

/** SCIM bearer token → res.locals.scimToken, through passport (ScimTokenStrategy). */
export function requireScimToken(auth: Authenticator): RequestHandler {
  return requirePrincipal(auth, 'scim-token', 'scimToken');
}
