import type { Request } from 'express';
import type { AccountService } from '../accounts/account-service';
import { PassportStrategy, settle } from './passport';
import { sessionSecretOf } from './session-cookie';

/** Why a session cookie did not sign anyone in: none sent, or a stale/unknown one (pages then drop it). */
export type SessionRefusal = 'missing' | 'invalid';

/** The gh_session cookie (needs cookie-parser) → the signed-in user; the route decides what a refusal means. */
export class SessionCookieStrategy extends PassportStrategy {
  override name = 'session-cookie';

  constructor(private readonly accounts: AccountService) {
    super();
  }

  override authenticate(req: Request): void {
    const secret = sessionSecretOf(req);
    if (!secret) return this.fail('missing' satisfies SessionRefusal);
    settle(this, this.accounts.authenticate(secret, 'session'), (viewer) => (viewer ? this.success(viewer) : this.fail('invalid' satisfies SessionRefusal)));
  }
}
