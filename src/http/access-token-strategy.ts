import type { Request } from 'express';
import type { AccountService } from '../accounts/account-service';
import { bearerToken } from './auth';
import { unauthorized } from './errors';
import { PassportStrategy, settle } from './passport';

/** Bearer access token (from POST /login or POST /access) → the signed-in user; refusals are 401s that say what to send. */
export class AccessTokenStrategy extends PassportStrategy {
  override name = 'access-token';

  constructor(private readonly accounts: AccountService) {
    super();
  }

  override authenticate(req: Request): void {
    const token = bearerToken(req);
    if (!token) return this.error(unauthorized('missing-token', 'Send an access token: Authorization: Bearer <access_token> (get one from POST /login).'));
    settle(this, this.accounts.authenticate(token, 'access'), (auth) => {
      if (!auth) return this.error(unauthorized('invalid-token', 'The access token is invalid or expired; sign in again with POST /login.'));
      this.success(auth);
    });
  }
}
