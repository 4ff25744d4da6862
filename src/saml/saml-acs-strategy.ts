import type { Request } from 'express';
import { PassportStrategy, settle } from '../http/passport';
import type { AcsOutcome, SsoService } from './sso-service';

/**
 * The ACS (POST /sso/finalize-login/:team) as a passport strategy around SsoService.finalize — our
 * strict checks (signature against stored IdP certs, InResponseTo, replay, audience, NameID
 * format…), not node-saml's passport defaults. A sign-in succeeds with its outcome; a refusal or a
 * test run fails with its outcome, and the route redirects either way.
 */
/** The login-CSRF binding cookie this browser carries (set when it started the AuthnRequest). */
export function bindingCookieOf(sso: SsoService, req: Request): string | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[sso.binding.cookieName];
  return typeof value === 'string' ? value : null;
}

export class SamlAcsStrategy extends PassportStrategy {
  override name = 'saml-acs';

  constructor(private readonly sso: SsoService) {
    super();
  }

  override authenticate(req: Request): void {
    settle(this, this.sso.finalize(String(req.params.team), (req.body ?? {}) as Record<string, unknown>, { bindingCookie: bindingCookieOf(this.sso, req) }), (outcome: AcsOutcome) =>
      outcome.kind === 'signed-in' ? this.success(outcome) : this.fail(outcome),
    );
  }
}
