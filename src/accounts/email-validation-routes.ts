import { Router, type Request } from 'express';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { badRequest } from '../http/errors';
import type { Authenticator } from '../http/passport';
import type { RateLimits } from '../http/rate-limits';
import type { EmailValidationService } from './email-validation-service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/users/{id}/email-validation` (owner or admin access token): an SSO user's validation state, and
 * re-sending the mail under the invitations' limits (30 a minute per address; 5 per user in 15 minutes).
 * The link page itself is src/web/email-validation-page.ts.
 */
export function emailValidationRoutes(deps: { passport: Authenticator; emailValidation: EmailValidationService; rateLimits: RateLimits }): Router {
  const { emailValidation } = deps;
  const router = Router();
  const admin = [requireAccess(deps.passport), requireAdminRole];
  const perUser = deps.rateLimits.resendPerPerson(
    'email-validation-resend',
    (req, res) => `email-validation:${authOf(res).team.id}:${String(req.params.id)}`,
    'This user was sent 5 validation mails in the last 15 minutes; wait a few minutes before sending another.',
  );
  const userId = (req: Request) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw badRequest('invalid-id', 'The user id in the path must be a UUID.');
    return id;
  };

  router.get('/users/:id/email-validation', ...admin, async (req, res) => {
    res.json(await emailValidation.status(authOf(res).team.id, userId(req)));
  });

  router.post('/users/:id/email-validation', ...admin, deps.rateLimits.mint('email validation requests'), perUser, async (req, res) => {
    const { user, team } = authOf(res);
    res.status(202).json(await emailValidation.resend(team.id, userId(req), { type: 'user', id: user.id, name: user.email ?? user.handle }));
  });

  return router;
}
