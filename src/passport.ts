import passport from 'passport';
import type { AccountService } from './accounts/account-service';
import { AccessTokenStrategy } from './http/access-token-strategy';
import type { Authenticator } from './http/passport';
import { SessionCookieStrategy } from './http/session-cookie-strategy';
import { SamlAcsStrategy } from './saml/saml-acs-strategy';
import type { SsoService } from './saml/sso-service';
import { ScimTokenStrategy } from './scim/scim-token-strategy';
import type { ScimTokenService } from './scim/token-service';

/**
 * Every way in, one line each (a new one — OIDC, LDAP — is a strategy file and a line here).
 * One Authenticator per app, not passport's global singleton, so two apps in one process (tests)
 * do not share strategies.
 */
export function createPassport(deps: { accounts: AccountService; scimTokens: ScimTokenService; sso: SsoService }): Authenticator {
  const auth = new passport.Authenticator();
  auth.use(new ScimTokenStrategy(deps.scimTokens));
  auth.use(new AccessTokenStrategy(deps.accounts));
  auth.use(new SessionCookieStrategy(deps.accounts));
  auth.use(new SamlAcsStrategy(deps.sso));
  return auth;
}
