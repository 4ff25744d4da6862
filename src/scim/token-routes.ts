import { Router } from 'express';
import type { Authenticator } from '../http/passport';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { badRequest } from '../http/errors';
import { jsonBody } from '../http/middleware';
import type { RateLimits } from '../http/rate-limits';
import type { ScimTokenService } from './token-service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/scim/auth-tokens`: team admins manage SCIM bearer tokens with their access token. */
export function scimTokenRoutes(deps: { passport: Authenticator; tokens: ScimTokenService; rateLimits: RateLimits }): Router {
  const router = Router();
  router.use(requireAccess(deps.passport), requireAdminRole);
  const actorOf = (res: Parameters<typeof authOf>[0]) => {
    const { user } = authOf(res);
    return { type: 'user' as const, id: user.id, name: user.email ?? user.handle };
  };

  router.post('/', deps.rateLimits.mint('token requests'), ...jsonBody('16kb'), async (req, res) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
      throw badRequest('invalid-body', 'Send {"description": "…", "password": "…"} as JSON.');
    res.json(await deps.tokens.createByAdmin(authOf(res).user, req.body));
  });

  router.get('/', async (_req, res) => {
    res.json({ tokens: await deps.tokens.list(authOf(res).team.id) });
  });

  router.delete('/', async (req, res) => {
    const id = req.query.id;
    if (typeof id !== 'string' || !UUID.test(id)) throw badRequest('invalid-id', 'Give the token to delete as ?id=<token id>.');
    await deps.tokens.delete(authOf(res).team.id, id, actorOf(res));
    res.status(204).end();
  });

  router.put('/:id', ...jsonBody('16kb'), async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw badRequest('invalid-id', 'The token id in the path must be a UUID.');
    res.json(await deps.tokens.rename(authOf(res).team.id, id, req.body?.name, actorOf(res)));
  });

  return router;
}
