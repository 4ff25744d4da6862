import { Router } from 'express';
import { openApiDocument } from './document';

/** GET /openapi.json: the document is built once; it depends on nothing at run time. */
export function openApiRoutes(): Router {
  const router = Router();
  const body = JSON.stringify(openApiDocument());
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return router;
}
