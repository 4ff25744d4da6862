/**
 * A SCIM Group body (POST/PUT) → the normalised group, and the group resource returned to clients.
 * Members are user ids; whether each id is a user of the team is the service's check (it needs the store).
 */
import { z } from 'zod';
import { scimBadRequest } from './errors';
import { isObject } from './filter-eval';
import { GROUP_RESOURCE_TYPE } from './resource-types';
import { GROUP_SCHEMA } from './schemas';
import { checkDeclaredSchemas, formatVersion, type ResourceMeta } from './user-input';
import { describe, normaliseAttributes, orderResource, type ScimResource } from './values';

/** Entra ID lists this next to the core Group schema when it creates groups; it carries no attributes. */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export interface GroupMemberInput {
  value: string;
}

export interface GroupInput {
  schemas: [typeof GROUP_SCHEMA];
  displayName: string;
  externalId?: string;
  members: GroupMemberInput[];
}

export interface GroupMemberRef {
  value: string;
  display?: string;
}

const codePoints = (text: string) => [...text].length;

const groupCore = z.object({
  displayName: z
    .string({ error: (issue) => (issue.input === undefined ? 'displayName is required: the name of the group' : `displayName must be a string, got ${describe(issue.input)}`) })
    .refine((value) => codePoints(value) >= 1 && codePoints(value) <= 256, { error: 'displayName must be 1 to 256 characters long' }),
  externalId: z.string().optional(),
});

/** Reads one member reference, refusing anything but a user id. Shared with the PATCH planner. */
export function readMemberRef(item: unknown, label: string): string {
  if (!isObject(item)) throw scimBadRequest('invalidValue', `${label} must be an object {"value": "<user id>"}, got ${describe(item)}`);
  const entries = Object.entries(item);
  const value = entries.find(([k]) => k.toLowerCase() === 'value')?.[1];
  const type = entries.find(([k]) => k.toLowerCase() === 'type')?.[1];
  if (typeof value !== 'string' || value.trim() === '') throw scimBadRequest('invalidValue', `${label}.value must be the id of a user, got ${describe(value)}`);
  if (type !== undefined && type !== null && (typeof type !== 'string' || type.toLowerCase() !== 'user')) {
    throw scimBadRequest('invalidValue', `${label} has type ${describe(type)}: only users can be members (nested groups are not supported)`);
  }
  return value;
}

export function parseGroupInput(body: unknown): GroupInput {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', `the body must be a JSON object (a SCIM Group), got ${describe(body)}`);
  checkDeclaredSchemas(body, GROUP_RESOURCE_TYPE, [ENTRA_GROUP_SCHEMA]);
  const membersKey = Object.keys(body).find((k) => k.toLowerCase() === 'members');
  const rawMembers = membersKey === undefined ? undefined : body[membersKey];
  if (rawMembers !== undefined && rawMembers !== null && !Array.isArray(rawMembers)) {
    throw scimBadRequest('invalidValue', `members must be a list of {"value": "<user id>"}, got ${describe(rawMembers)}`);
  }
  const seen = new Set<string>();
  const members: GroupMemberInput[] = [];
  ((rawMembers as unknown[] | null | undefined) ?? []).forEach((item, i) => {
    const value = readMemberRef(item, `members[${i}]`);
    if (seen.has(value)) return;
    seen.add(value);
    members.push({ value });
  });
  const attributes = normaliseAttributes(body, GROUP_RESOURCE_TYPE, { dropReadOnly: true });
  const parsed = groupCore.safeParse(attributes);
  if (!parsed.success) throw scimBadRequest('invalidValue', parsed.error.issues[0]?.message ?? 'invalid group');
  const group: GroupInput = { schemas: [GROUP_SCHEMA], displayName: parsed.data.displayName, members };
  if (parsed.data.externalId !== undefined) group.externalId = parsed.data.externalId;
  return group;
}

/** The resource returned to clients; `members` omitted when not given (e.g. excludedAttributes=members). */
export function buildGroupResource(
  parts: { id: string; displayName: string; externalId: string | null; members?: GroupMemberRef[] },
  meta: ResourceMeta,
  usersBaseUrl?: string,
): ScimResource {
  const resource: ScimResource = { schemas: [GROUP_SCHEMA], id: parts.id, displayName: parts.displayName };
  if (parts.externalId !== null) resource['externalId'] = parts.externalId;
  if (parts.members) {
    resource['members'] = parts.members.map((m) => {
      const member: ScimResource = { value: m.value, type: 'User' };
      if (usersBaseUrl) member['$ref'] = `${usersBaseUrl.replace(/\/+$/, '')}/${m.value}`;
      if (m.display !== undefined) member['display'] = m.display;
      return member;
    });
  }
  resource['meta'] = { resourceType: 'Group', created: meta.created, lastModified: meta.lastModified, location: meta.location, version: formatVersion(meta.version) };
  return orderResource(resource, GROUP_RESOURCE_TYPE);
}
