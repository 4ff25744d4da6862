import { Router } from 'express';
import { authOf, requireAccess } from '../http/auth';
import type { Authenticator } from '../http/passport';
import type { DirectoryHandover } from './directory-handover';
import { selfView } from './routes';

/** `POST /users/{id}/hand-to-directory` (owner's access token): the People page's "Hand to directory" as an API call. */
export function directoryHandoverRoutes(deps: { passport: Authenticator; handover: DirectoryHandover }): Router {
  const router = Router();
  router.post('/users/:id/hand-to-directory', requireAccess(deps.passport), async (req, res) => {
    const user = await deps.handover.handOver(authOf(res), String(req.params.id));
    res.json(selfView(user));
  });
  return router;
}
