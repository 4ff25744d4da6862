import type { RequestHandler, Response } from 'express';
import { bearerToken } from '../http/auth';
import { unauthorized } from '../http/errors';
import type { ScimToken } from '../store/port';
import type { ScimTokenService } from './token-service';

/** The SCIM token behind this request (set by requireScimToken). */
export function scimTokenOf(res: Response): ScimToken {
  const token = res.locals.scimToken as ScimToken | undefined;
  if (!token) throw new Error('scimTokenOf called on a route without requireScimToken');
  return token;
}

/** SCIM bearer token → res.locals.scimToken; a token only ever reaches its own team. */
export function requireScimToken(tokens: ScimTokenService): RequestHandler {
  return async (req, res, next) => {
    const secret = bearerToken(req);
    if (!secret) throw unauthorized('missing-token', 'Send the SCIM token as Authorization: Bearer <token> (create one under Automated User Management or POST /scim/auth-tokens).');
    const token = await tokens.authenticate(secret);
    if (!token) throw unauthorized('invalid-token', 'The SCIM token is not valid (it may have been deleted); create a new one.');
    res.locals.scimToken = token;
    next();
  };
}
