import { Router, type Request, type Response } from 'express';
import { isNotModified } from './etag';
import { parseListRequest, parseSearchRequest, type ListRequest } from './list-request';
import { projectResource } from './projection';
import { listResponse, sendScim } from './respond';
import { scimTokenOf } from './scim-auth';
import { userETag, type ScimUserService } from './user-service';
import type { User } from '../store/port';

/** `/Users` (RFC 7644 §3): route → validate → ScimUserService → store → resource. */
export function userRoutes(users: ScimUserService): Router {
  const router = Router();
  const teamOf = (res: Response) => scimTokenOf(res).teamId;
  const ifMatch = (req: Request) => req.get('if-match');

  const sendUser = (res: Response, status: number, user: User, projection: ListRequest | Request['query'] = {}) => {
    res.setHeader('ETag', userETag(user));
    sendScim(res, status, projectResource(users.toResource(user), projection as ListRequest));
  };

  const sendList = async (res: Response, request: ListRequest) => {
    const page = await users.listUsers(teamOf(res), request);
    const resources = page.items.map((user) => projectResource(users.toResource(user), request));
    sendScim(res, 200, listResponse(resources, page.total, request.startIndex));
  };

  router.get('/', async (req, res) => {
    await sendList(res, parseListRequest(req.query as Record<string, unknown>));
  });

  router.post('/.search', async (req, res) => {
    await sendList(res, parseSearchRequest(req.body));
  });

  router.post('/', async (req, res) => {
    const user = await users.createUser(scimTokenOf(res), req.body);
    res.setHeader('Location', users.location(user.id));
    sendUser(res, 201, user);
  });

  router.get('/:id', async (req, res) => {
    const user = await users.getUser(teamOf(res), String(req.params.id));
    if (isNotModified(req.get('if-none-match'), userETag(user))) {
      res.setHeader('ETag', userETag(user));
      res.status(304).end();
      return;
    }
    sendUser(res, 200, user, parseListRequest(req.query as Record<string, unknown>));
  });

  router.put('/:id', async (req, res) => {
    sendUser(res, 200, await users.replaceUser(scimTokenOf(res), String(req.params.id), req.body, ifMatch(req)));
  });

  router.patch('/:id', async (req, res) => {
    sendUser(res, 200, await users.patchUser(scimTokenOf(res), String(req.params.id), req.body, ifMatch(req)));
  });

  router.delete('/:id', async (req, res) => {
    await users.deleteUser(scimTokenOf(res), String(req.params.id), ifMatch(req));
    res.status(204).end();
  });

  return router;
}
