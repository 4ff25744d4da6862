import { Router, type Request } from 'express';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { AppError, badRequest } from '../http/errors';
import type { Authenticator } from '../http/passport';
import type { RateLimits } from '../http/rate-limits';
import type { InvitationService } from './invitation-service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InvitationRouteDeps {
  passport: Authenticator;
  invitations: InvitationService;
  rateLimits: RateLimits;
}

/** The admin API for invitations (`/users/{id}/invitation`); the accept page is a page (invitation-pages.ts). */
export function invitationRoutes(deps: InvitationRouteDeps): Router {
  const { invitations, rateLimits } = deps;
  const router = Router();
  const resendPerUserLimiter = createResendPerUserLimiter(rateLimits);

  const admin = [requireAccess(deps.passport), requireAdminRole];
  const userId = (req: Request) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw badRequest('invalid-id', 'The user id in the path must be a UUID.');
    return id;
  };

  router.get('/users/:id/invitation', ...admin, async (req, res) => {
    res.json(await invitations.status(authOf(res).team.id, userId(req)));
  });

  router.post('/users/:id/invitation', ...admin, rateLimits.mint('invitation requests'), resendPerUserLimiter, async (req, res) => {
    const { user, team } = authOf(res);
    const status = await invitations.resend(team.id, userId(req), { type: 'user', id: user.id, name: user.email ?? user.handle });
    res.status(202).json(status);
  });

  return router;
}

/** A user can be re-sent an invitation 5 times in 15 minutes: enough for typos, not for mail-bombing. */
const createResendPerUserLimiter = (rateLimits: RateLimits) =>
  rateLimits.limiter({
    name: 'invitation-resend',
    windowMs: 15 * 60_000,
    limit: 5,
    // Keyed by the caller's team too: requests for another team's user id (404s) must not use up that user's limit.
    key: (req, res) => `resend:${authOf(res).team.id}:${String(req.params.id)}`,
    handler: (_req, _res, next) => next(new AppError(429, 'too-many-requests', 'This user was sent 5 invitations in the last 15 minutes; wait a few minutes before sending another.')),
  });
