import { Router } from 'express';
import type { Authenticator } from '../http/passport';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { badRequest } from '../http/errors';
import type { Store } from '../store/port';
import type { ProvisioningLogWriter } from './provisioning-log';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * `GET /scim/provisioning-log?limit=&errors=true` (owner/admin access token): the team's recent SCIM
 * requests, newest first — what the IdP asked and what it was answered. Bodies are never stored.
 */
export function provisioningLogRoutes(deps: { passport: Authenticator; store: Store; provisioningLog: ProvisioningLogWriter }): Router {
  const router = Router();
  router.use(requireAccess(deps.passport), requireAdminRole);

  router.get('/', async (req, res) => {
    const rawLimit = req.query.limit;
    const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest('invalid-limit', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
    const errorsOnly = req.query.errors === 'true' || req.query.errors === '1';
    const teamId = authOf(res).team.id;
    const [log, tokens] = await Promise.all([deps.provisioningLog.list(teamId, limit), deps.store.scimTokens.list(teamId)]);
    const names = new Map(tokens.map((t) => [t.id, t.name]));
    const entries = log
      .filter((e) => !errorsOnly || e.status >= 400)
      .map((e) => ({
        at: e.at,
        token: e.tokenId,
        token_name: e.tokenId ? (names.get(e.tokenId) ?? null) : null,
        method: e.method,
        path: e.path,
        status: e.status,
        scim_type: e.scimType,
        detail: e.detail,
        duration_ms: e.durationMs,
      }));
    res.json({ entries });
  });
  return router;
}
