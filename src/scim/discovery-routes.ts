import { Router, type Request } from 'express';
import type { Config } from '../config';
import {
  buildResourceTypesListResponse,
  buildSchemasListResponse,
  buildServiceProviderConfig,
  findResourceTypeDocument,
  findSchemaDocument,
} from './discovery';
import { ScimError } from './errors';
import { MAX_COUNT } from './list-request';
import type { ScimProfile } from './profile';
import { sendScim } from './respond';

/** The SCIM base URL clients see (discovery documents carry absolute locations). */
export const scimBaseUrl = (config: Pick<Config, 'publicUrl'>) => `${config.publicUrl.replace(/\/+$/, '')}/scim/v2`;

/** The SCIM profile a discovery request describes: its token's team's, or strict without a token. */
export type DiscoveryProfile = (req: Request) => Promise<ScimProfile>;

/**
 * RFC 7644 §4 discovery, readable without a token so clients can probe before configuring one;
 * with a team's token the User schema describes that team's SCIM profile (required attributes).
 */
export function discoveryRoutes(config: Pick<Config, 'publicUrl'>, router: Router = Router(), profileOf: DiscoveryProfile = async () => 'strict'): Router {
  const base = () => scimBaseUrl(config);
  const param = (req: Request, name: string) => String(req.params[name]);

  router.get('/ServiceProviderConfig', (_req, res) => {
    sendScim(res, 200, buildServiceProviderConfig(base(), { maxResults: MAX_COUNT }));
  });
  router.get('/ResourceTypes', (_req, res) => {
    sendScim(res, 200, buildResourceTypesListResponse(base()));
  });
  router.get('/ResourceTypes/:name', (req, res) => {
    const doc = findResourceTypeDocument(base(), param(req, 'name'));
    if (!doc) throw new ScimError(404, `No resource type ${JSON.stringify(param(req, 'name'))}; this server has User and Group.`);
    sendScim(res, 200, doc);
  });
  router.get('/Schemas', async (req, res) => {
    sendScim(res, 200, buildSchemasListResponse(base(), await profileOf(req)));
  });
  router.get('/Schemas/:urn', async (req, res) => {
    const doc = findSchemaDocument(base(), param(req, 'urn'), await profileOf(req));
    if (!doc) throw new ScimError(404, `No schema ${JSON.stringify(param(req, 'urn'))}; GET /Schemas lists the ones this server implements.`);
    sendScim(res, 200, doc);
  });
  return router;
}
