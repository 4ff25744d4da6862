import { Router } from 'express';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { jsonBody } from '../http/middleware';
import type { Authenticator } from '../http/passport';
import type { TeamSettingsService } from './team-settings';

/** `/team/settings` with a signed-in user's access token: owners and admins read, only owners change. */
export function teamSettingsRoutes(deps: { passport: Authenticator; teamSettings: TeamSettingsService }): Router {
  const router = Router();
  const auth = requireAccess(deps.passport);

  router.get('/team/settings', auth, requireAdminRole, async (_req, res) => {
    res.json(await deps.teamSettings.get(authOf(res).team.id));
  });

  router.put('/team/settings', auth, ...jsonBody('16kb'), async (req, res) => {
    res.json(await deps.teamSettings.update(authOf(res), req.body));
  });

  return router;
}
