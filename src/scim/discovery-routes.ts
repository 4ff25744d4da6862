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
import { sendScim } from './respond';

/** The SCIM base URL clients see (discovery documents carry absolute locations). */
export const scimBaseUrl = (config: Pick<Config, 'publicUrl'>) => `${config.publicUrl.replace(/\/+$/, '')}/scim/v2`;

/** RFC 7644 §4 discovery, readable without a token so clients can probe before configuring one. */
export function discoveryRoutes(config: Pick<Config, 'publicUrl'>, router: Router = Router()): Router {
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
  router.get('/Schemas', (_req, res) => {
    sendScim(res, 200, buildSchemasListResponse(base()));
  });
  router.get('/Schemas/:urn', (req, res) => {
    const doc = findSchemaDocument(base(), param(req, 'urn'));
    if (!doc) throw new ScimError(404, `No schema ${JSON.stringify(param(req, 'urn'))}; GET /Schemas lists the ones this server implements.`);
    sendScim(res, 200, doc);
  });
  return router;
}
