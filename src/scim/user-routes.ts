import { Router, type Request, type Response } from 'express';
import { isNotModified } from './etag';
import { parseListRequest, parseProjection, parseSearchRequest, type ListRequest } from './list-request';
import type { AttributeDef } from './attribute-defs';
import { parseAttributeList, projectResource, type ProjectionRequest } from './projection';
import { USER_RESOURCE_TYPE } from './resource-types';
import { provisioningNotes } from './provisioning-log';
import { listResponse, sendScim } from './respond';
import { scimTokenOf } from './scim-auth';
import { userETag, type ScimUserService } from './user-service';
import type { GroupOfUser, User } from '../store/port';
import type { EmailValidationState } from '../accounts/email-validation-service';

const hides = (defs: readonly AttributeDef[]): boolean => defs.some((d) => d.returned === 'never' || d.returned === 'request' || hides(d.subAttributes ?? []));
/** True when the User schemas have attributes that are not returned by default (none today). */
const USER_HIDES_ATTRIBUTES = hides([...USER_RESOURCE_TYPE.byName.values()]) || USER_RESOURCE_TYPE.extensions.some((e) => hides(e.schema.attributes));

/** projectResource costs ~10 µs a user; a list of 100 without attributes/excludedAttributes can skip it. */
function project(resource: ReturnType<ScimUserService['toResource']>, request: ProjectionRequest) {
  const plain = !USER_HIDES_ATTRIBUTES && parseAttributeList(request.attributes).length === 0 && parseAttributeList(request.excludedAttributes).length === 0;
  return plain ? resource : projectResource(resource, request);
}

/**
 * `/Users` (RFC 7644 §3): route → validate → ScimUserService → store → resource. Registered on the
 * given router under `prefix` (the SCIM router passes itself and '/Users': one router level less per
 * request than a mounted sub-router), or on a router of its own.
 */
export function userRoutes(users: ScimUserService, groupsOfUser?: (teamId: string, userId: string) => Promise<GroupOfUser[]>, router: Router = Router(), prefix = ''): Router {
  const collection = prefix || '/';
  const teamOf = (res: Response) => scimTokenOf(res).teamId;
  const ifMatch = (req: Request) => req.get('if-match');

  const sendUser = async (res: Response, status: number, user: User, projection: ProjectionRequest = {}) => {
    const emailStates = await users.emailStates(user.teamId, [user]);
    sendResource(res, status, user, emailStates.get(user.id), projection);
  };

  const sendResource = (res: Response, status: number, user: User, emailState: EmailValidationState | undefined, projection: ProjectionRequest = {}) => {
    res.setHeader('ETag', userETag(user));
    sendScim(res, status, project(users.toResource(user, undefined, emailState), projection));
  };

  const sendList = async (res: Response, request: ListRequest) => {
    const page = await users.listUsers(teamOf(res), request);
    const emailStates = await users.emailStates(teamOf(res), page.items);
    const resources = page.items.map((user) => project(users.toResource(user, undefined, emailStates.get(user.id)), request));
    sendScim(res, 200, listResponse(resources, page.total, request.startIndex));
  };

  router.get(collection, async (req, res) => {
    await sendList(res, parseListRequest(req.query as Record<string, unknown>));
  });

  router.post(`${prefix}/.search`, async (req, res) => {
    await sendList(res, parseSearchRequest(req.body));
  });

  // What a write did beyond its verb (an adoption, a binding change) goes to the provisioning log.
  const noteFor = (res: Response) => (text: string) => {
    provisioningNotes(res).push(text);
  };

  router.post(collection, async (req, res) => {
    const { user, emailState } = await users.createUserWithState(scimTokenOf(res), req.body, noteFor(res));
    res.setHeader('Location', users.location(user.id));
    sendResource(res, 201, user, emailState);
  });

  router.get(`${prefix}/:id`, async (req, res) => {
    const user = await users.getUser(teamOf(res), String(req.params.id));
    if (isNotModified(req.get('if-none-match'), userETag(user))) {
      res.setHeader('ETag', userETag(user));
      res.status(304).end();
      return;
    }
    const projection = parseProjection(req.query as Record<string, unknown>);
    // The read-only `groups` attribute on a single-user read (one indexed query); lists leave it out.
    const groups = groupsOfUser ? await groupsOfUser(user.teamId, user.id) : [];
    const base = users.location('').replace(/\/Users\/$/, '');
    const refs = groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}`, type: 'direct' as const }));
    const emailStates = await users.emailStates(user.teamId, [user]);
    res.setHeader('ETag', userETag(user));
    sendScim(res, 200, project(users.toResource(user, refs, emailStates.get(user.id)), projection));
  });

  router.put(`${prefix}/:id`, async (req, res) => {
    await sendUser(res, 200, await users.replaceUser(scimTokenOf(res), String(req.params.id), req.body, ifMatch(req), noteFor(res)));
  });

  router.patch(`${prefix}/:id`, async (req, res) => {
    await sendUser(res, 200, await users.patchUser(scimTokenOf(res), String(req.params.id), req.body, ifMatch(req), noteFor(res)));
  });

  router.delete(`${prefix}/:id`, async (req, res) => {
    await users.deleteUser(scimTokenOf(res), String(req.params.id), ifMatch(req));
    res.status(204).end();
  });

  return router;
}
