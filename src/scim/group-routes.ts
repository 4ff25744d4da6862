/**
 * `/Groups` (RFC 7644 §3): route → group-service → store port → resource mapper. Mounted behind
 * requireScimToken (passport), the JSON body parser and errorFormat('scim'); every path here is team-scoped by
 * the token, so another team's group is simply "not found".
 */
import { Router, type Response } from 'express';
import type { Config } from '../config';
import type { AuditActor, Group, GroupMember } from '../store/port';
import { buildGroupResource } from './group-input';
import { GroupService, type GroupWithMembers } from './group-service';
import { parseListRequest, parseProjection, parseSearchRequest, type ListRequest } from './list-request';
import { parseAttributeList, projectResource, type ProjectionRequest } from './projection';
import { GROUP_RESOURCE_TYPE } from './resource-types';
import { formatVersion } from './user-input';
import { groupETag, isNotModified } from './etag';
import { GROUP_SCHEMA, LIST_RESPONSE_SCHEMA } from './schemas';
import { scimTokenOf } from './scim-auth';
import type { ScimResource } from './values';

export interface GroupRouteDeps {
  config: Pick<Config, 'publicUrl'>;
  groups: GroupService;
}

const MEMBERS_URN = `${GROUP_SCHEMA}:members`.toLowerCase();

const namesMembers = (name: string, whole: boolean) => {
  const n = name.toLowerCase();
  if (n === 'members' || n === MEMBERS_URN) return true;
  return !whole && (n.startsWith('members.') || n.startsWith(`${MEMBERS_URN}.`));
};

/** excludedAttributes=members (Entra ID) or attributes without members: never load the member rows. */
export function wantsMembers(projection: ProjectionRequest): boolean {
  if (parseAttributeList(projection.excludedAttributes).some((n) => namesMembers(n, true))) return false;
  const attributes = parseAttributeList(projection.attributes);
  return attributes.length === 0 || attributes.some((n) => namesMembers(n, false));
}

export function groupRoutes(deps: GroupRouteDeps): Router {
  const router = Router();
  const base = () => `${deps.config.publicUrl.replace(/\/+$/, '')}/scim/v2`;
  const location = (group: Group) => `${base()}/Groups/${group.id}`;

  const resourceOf = (item: GroupWithMembers, projection: ProjectionRequest): ScimResource => {
    const members = item.members?.map((m: GroupMember) => ({ value: m.id, display: m.displayName }));
    const resource = buildGroupResource(
      { id: item.group.id, displayName: item.group.displayName, externalId: item.group.externalId, ...(members ? { members } : {}) },
      { created: item.group.createdAt, lastModified: item.group.updatedAt, location: location(item.group), version: groupETag(item.group.version, item.members) },
      `${base()}/Users`,
    );
    return projectResource(resource, projection, GROUP_RESOURCE_TYPE);
  };

  const send = (res: Response, status: number, item: GroupWithMembers, projection: ProjectionRequest) => {
    res.status(status).type('application/scim+json').setHeader('ETag', groupETag(item.group.version, item.members));
    res.setHeader('Location', location(item.group));
    res.send(JSON.stringify(resourceOf(item, projection)));
  };

  const actorOf = (res: Response): AuditActor => {
    const token = scimTokenOf(res);
    return { type: 'scim-token', id: token.id, name: token.name };
  };

  router.post('/', async (req, res) => {
    const token = scimTokenOf(res);
    const created = await deps.groups.create(token.teamId, req.body, actorOf(res));
    send(res, 201, created, parseProjection(req.query as Record<string, unknown>));
  });

  const sendList = async (res: Response, request: ListRequest) => {
    const projection: ProjectionRequest = { attributes: request.attributes, excludedAttributes: request.excludedAttributes };
    const page = await deps.groups.list(scimTokenOf(res).teamId, { ...request, withMembers: wantsMembers(projection) });
    const body = {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: page.total,
      startIndex: page.startIndex,
      itemsPerPage: page.items.length,
      Resources: page.items.map((item) => resourceOf(item, projection)),
    };
    res.type('application/scim+json').send(JSON.stringify(body));
  };

  router.get('/', async (req, res) => {
    await sendList(res, parseListRequest(req.query as Record<string, unknown>));
  });

  // RFC 7644 §3.4.3: the same query as GET, in a SearchRequest body (filters too long for a URL).
  router.post('/.search', async (req, res) => {
    await sendList(res, parseSearchRequest(req.body));
  });

  router.get('/:id', async (req, res) => {
    const projection = parseProjection(req.query as Record<string, unknown>);
    const item = await deps.groups.get(scimTokenOf(res).teamId, String(req.params.id), wantsMembers(projection));
    const etag = groupETag(item.group.version, item.members);
    if (isNotModified(req.get('if-none-match'), etag)) {
      res.status(304).setHeader('ETag', etag);
      res.end();
      return;
    }
    send(res, 200, item, projection);
  });

  router.put('/:id', async (req, res) => {
    const updated = await deps.groups.replace(scimTokenOf(res).teamId, String(req.params.id), req.body, req.get('if-match'), actorOf(res));
    send(res, 200, updated, parseProjection(req.query as Record<string, unknown>));
  });

  // 204 unless the client asked for attributes back (RFC 7644 §3.5.2): Entra ID and Okta expect 204.
  router.patch('/:id', async (req, res) => {
    const teamId = scimTokenOf(res).teamId;
    const result = await deps.groups.patch(teamId, String(req.params.id), req.body, req.get('if-match'), actorOf(res));
    const projection = parseProjection(req.query as Record<string, unknown>);
    if (projection.attributes === undefined && projection.excludedAttributes === undefined) {
      res.status(204).setHeader('ETag', formatVersion(result.group.version));
      res.end();
      return;
    }
    const item = await deps.groups.get(teamId, result.group.id, wantsMembers(projection));
    send(res, 200, item, projection);
  });

  router.delete('/:id', async (req, res) => {
    await deps.groups.delete(scimTokenOf(res).teamId, String(req.params.id), req.get('if-match'), actorOf(res));
    res.status(204).end();
  });

  return router;
}
