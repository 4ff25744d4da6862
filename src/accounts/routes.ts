import { Router } from 'express';
import type { Config } from '../config';
import { authOf, requireAccess } from '../http/auth';
import { jsonBody } from '../http/middleware';
import type { RateLimits } from '../http/rate-limits';
import { AppError } from '../http/errors';
import { teamScimProfile } from '../scim/profile';
import type { Store, User } from '../store/port';
import type { AccountService } from './account-service';
import type { Authenticator } from '../http/passport';

export function selfView(user: User) {
  return { id: user.id, team: user.teamId, name: user.displayName, handle: user.handle, email: user.email, role: user.role, status: user.status, managed_by: user.managedBy };
}

/**
 * `?persist=` as the seed manual's clients send it. This API never opens a browser session (pages use
 * their own sign-in), so true and false both mean "only the access token"; anything else is a typo
 * worth a 400 rather than silent acceptance.
 */
function checkPersist(value: unknown): void {
  if (value === undefined || value === 'true' || value === 'false') return;
  throw new AppError(400, 'invalid-persist', 'persist must be true or false (it is accepted for compatibility and changes nothing: the answer is always an access token, never a session cookie).');
}

export function accountRoutes(deps: { accounts: AccountService; passport: Authenticator; store: Store; config: Config; rateLimits: RateLimits }): Router {
  const { accounts, store, config, rateLimits } = deps;
  const router = Router();
  const auth = requireAccess(deps.passport);

  router.post('/login', ...jsonBody('16kb'), ...rateLimits.login(config.loginRateLimit), async (req, res) => {
    checkPersist(req.query.persist);
    const user = await accounts.checkCredentials(req.body?.email, req.body?.password);
    const token = await accounts.issueToken(user, 'access');
    req.log.info({ userId: user.id, teamId: user.teamId }, 'password login');
    res.json({ access_token: token.secret, token_type: 'Bearer', expires_in: token.expiresIn, user: user.id });
  });

  router.get('/self', auth, (_req, res) => {
    res.json(selfView(authOf(res).user));
  });

  /** The caller's team, with the facts other features hang on (SCIM on ⇒ SSO self-signup off). */
  router.get('/team', auth, async (_req, res) => {
    const { team } = authOf(res);
    const tokens = await store.scimTokens.countByTeam(team.id);
    res.json({ id: team.id, name: team.name, created_at: team.createdAt, has_scim: tokens > 0, sso_self_signup: tokens === 0, scim_tokens: tokens, group_managed_roles: team.groupManagedRoles, validate_saml_emails: team.validateSamlEmails, scim_profile: teamScimProfile(team) });
  });

  router.post('/logout', auth, async (req, res) => {
    const header = req.get('authorization')!;
    await accounts.revoke(header.replace(/^Bearer\s+/i, '').trim());
    res.status(204).end();
  });

  return router;
}
