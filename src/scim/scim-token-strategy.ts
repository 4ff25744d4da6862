import type { Request } from 'express';
import { bearerToken } from '../http/auth';
import { unauthorized } from '../http/errors';
import { PassportStrategy, settle } from '../http/passport';
import type { ScimTokenService } from './token-service';

/** SCIM bearer token → the token (and so its team); a token only ever reaches its own team. */
export class ScimTokenStrategy extends PassportStrategy {
  override name = 'scim-token';

  constructor(private readonly tokens: ScimTokenService) {
    super();
  }

  override authenticate(req: Request): void {
    const secret = bearerToken(req);
    if (!secret) return this.error(unauthorized('missing-token', 'Send the SCIM token as Authorization: Bearer <token> (create one under Automated User Management or POST /scim/auth-tokens).'));
    settle(this, this.tokens.authenticate(secret), (token) => {
      if (!token) return this.error(unauthorized('invalid-token', 'The SCIM token is not valid (it may have been deleted); create a new one.'));
      this.success(token);
    });
  }
}
