import { Router } from 'express';
import { bearerToken } from '../http/auth';
import { apiSecurityHeaders, jsonBodyHandler } from '../http/middleware';
import type { Services } from '../services';
import { discoveryRoutes } from './discovery-routes';
import { ScimError } from './errors';
import { requireScimToken, scimTokenOf } from './scim-auth';
import { userRoutes } from './user-routes';
import { groupRoutes } from './group-routes';

/** Group PATCHes with thousands of members are large; 12 MB leaves room for ~100k member refs. */
const SCIM_BODY_LIMIT = '12mb';

/**
 * The SCIM 2.0 API, mounted at /scim/v2 and /scim. Replies carry the API header set; discovery is
 * public; everything else needs the team's SCIM token, is recorded in the provisioning log, and
 * answers RFC 7644 errors.
 */
export function scimRoutes(services: Services): Router {
  const router = Router();
  const headers = apiSecurityHeaders(services.config.secureCookies);
  router.use((req, res, next) => {
    res.locals.errorFormat = 'scim';
    headers(req, res, next);
  });
  // Public, registered flat (no sub-router walked per request); a token, when sent, selects its team's profile.
  discoveryRoutes(services.config, router, async (req) => {
    const secret = bearerToken(req);
    if (!secret) return 'strict';
    const token = await services.scimTokens.authenticate(secret);
    if (!token) throw new ScimError(401, 'The SCIM token is not valid (it may have been deleted); send none to read the default (strict) schemas, or create a new token.');
    return services.scimUsers.profileOf(token.teamId);
  });

  const authenticate = requireScimToken(services.passport);
  const recordInLog = services.provisioningLog.middleware();
  const parseBody = jsonBodyHandler(SCIM_BODY_LIMIT);
  // Token, provisioning log, body: one layer, because every SCIM request walks these and each router layer has a cost.
  // A read is GET (or a POST …/.search); everything else writes and needs a token the team's IdPs allow.
  const writes = (method: string, path: string) => method !== 'GET' && method !== 'HEAD' && !path.endsWith('/.search');
  router.use((req, res, next) => {
    const parsed = (error?: unknown) => (error ? next(error) : parseBody(req, res, next));
    const logged = (error?: unknown) => {
      if (error || !writes(req.method, req.path)) return parsed(error);
      services.scimTokens.checkMayWrite(scimTokenOf(res)).then(() => parsed(), next);
    };
    const authenticated = (error?: unknown) => (error ? next(error) : recordInLog(req, res, logged));
    authenticate(req, res, authenticated);
  });

  userRoutes(services.scimUsers, services.groupsOfUser, router, '/Users');
  router.use('/Groups', groupRoutes({ config: services.config, groups: services.groups }));

  router.use((req, _res, next) => {
    next(new ScimError(404, `No SCIM endpoint ${req.method} ${req.path}; this server has /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas.`));
  });
  return router;
}
