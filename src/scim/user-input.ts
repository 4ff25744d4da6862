/**
 * A SCIM User body (POST/PUT) → the normalised resource Gatehouse stores, with the product's rules
 * (seeds 000–003): userName is the handle, displayName 1–128 code points, externalId required,
 * rich info bounded. Plus the mapping between that resource and the stored User parts, so the HTTP
 * layer reads: body → parseUserInput → splitUserResource → store → buildUserResource → response.
 */
import { z } from 'zod';
import { scimBadRequest } from './errors';
import { customUrnsOf, describeCustomParts, readCustomParts } from './custom-extensions';
import { isObject } from './filter-eval';
import { USER_RESOURCE_TYPE, type ResourceTypeDef } from './resource-types';
import type { ScimProfile } from './profile';
import { WIRE_PROFILE_SCHEMA } from './schemas';
import { describe, normaliseAttributes, orderResource, resourceKeyOrder, schemasOf, type ScimResource } from './values';

export const DEFAULT_RICH_INFO_LIMIT = 5000;

export interface UserInputOptions {
  /** Maximum total characters (code points) of rich-info types plus values. Default 5000. */
  richInfoLimit?: number;
  /** The team's SCIM profile (src/scim/profile.ts); default strict. */
  profile?: ScimProfile;
  /** Receives one line on ignored attributes and stored custom extensions, for the provisioning log. */
  note?: (text: string) => void;
}

/** A normalised User resource: canonical names, typed values, no readOnly attributes. */
export interface UserResource extends ScimResource {
  schemas: string[];
  userName: string;
  displayName: string;
  /** Always set in the strict profile; optional in the directory profile. */
  externalId?: string;
  active: boolean;
}

/** What the store keeps of a user (src/store/port.ts User: handle, displayName, externalId, status, scim). */
export interface StoredUserParts {
  /** Strict: the userName. Directory: '' until the service derives the handle (see userName). */
  handle: string;
  /** Directory profile only: the userName as sent (trimmed); the handle is derived from it. */
  userName?: string;
  displayName: string;
  externalId: string | null;
  active: boolean;
  /** Every other SCIM attribute, extension objects under their URN. */
  scim: Record<string, unknown>;
}

export interface GroupRef {
  value: string;
  display?: string;
  $ref?: string;
  type?: 'direct' | 'indirect';
}

export interface ResourceMeta {
  created: string;
  lastModified: string;
  location: string;
  /** The stored version number (rendered W/"n"), or a ready ETag. */
  version: number | string;
}

const codePoints = (text: string) => [...text].length;

function userNameProblem(userName: string): string | undefined {
  const length = codePoints(userName);
  if (length < 2 || length > 256) return `userName must be 2 to 256 characters long; ${JSON.stringify(clip(userName))} has ${length}`;
  if (/[A-Z]/.test(userName)) return `userName must not contain capital letters; use ${JSON.stringify(clip(userName.toLowerCase()))} instead of ${JSON.stringify(clip(userName))}`;
  const bad = [...userName].find((c) => !/[a-z0-9_.-]/.test(c));
  if (bad !== undefined) return `userName may only contain a-z, 0-9, "_", "." and "-"; ${JSON.stringify(clip(userName))} contains ${JSON.stringify(bad)}`;
  return undefined;
}

const requiredString = (name: string, hint: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required: ${hint}` : `${name} must be a string, got ${describe(issue.input)}`) });

const userCore = z.object({
  userName: requiredString('userName', 'the user handle, e.g. "jane.doe"').superRefine((value, ctx) => {
    const problem = userNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  displayName: requiredString('displayName', 'the name shown to people, 1 to 128 characters').superRefine((value, ctx) => {
    const length = codePoints(value);
    if (length < 1 || length > 128) ctx.addIssue({ code: 'custom', message: `displayName must be 1 to 128 characters long; it has ${length}` });
  }),
  externalId: requiredString('externalId', 'the SAML NameID (or email) of the user').refine((value) => value.length > 0, {
    error: 'externalId must not be empty: it is the SAML NameID (or email) of the user',
  }),
  active: z.boolean().default(true),
});

/** Directory profile: the IdP's login name, any text (RFC 7643 leaves userName's form to the service provider). */
function directoryUserNameProblem(userName: string): string | undefined {
  const length = codePoints(userName);
  if (length < 1 || length > 256) return `userName must be 1 to 256 characters long (after trimming spaces); it has ${length}`;
  const control = [...userName].find((c) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(c));
  if (control !== undefined) return `userName must not contain control characters; ${JSON.stringify(clip(userName))} contains U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return undefined;
}

const optionalString = (name: string) => z.string({ error: (issue) => `${name} must be a string, got ${describe(issue.input)}` }).optional();

const directoryCore = z.object({
  userName: requiredString('userName', "the person's login name at the identity provider, e.g. \"Jane.Doe@acme.com\"")
    .transform((value) => value.trim())
    .superRefine((value, ctx) => {
      const problem = directoryUserNameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  displayName: optionalString('displayName').superRefine((value, ctx) => {
    if (value === undefined) return;
    const length = codePoints(value);
    if (length > 128) ctx.addIssue({ code: 'custom', message: `displayName must be at most 128 characters long; it has ${length}` });
  }),
  externalId: optionalString('externalId'),
  active: z.boolean().default(true),
});

/** Directory profile: displayName from name.formatted, else given + family name, else userName. */
function derivedDisplayName(attributes: ScimResource, userName: string): string {
  const name = isObject(attributes['name']) ? attributes['name'] : {};
  const formatted = typeof name['formatted'] === 'string' ? name['formatted'].trim() : '';
  const joined = [name['givenName'], name['familyName']].filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()).join(' ');
  const chosen = formatted || joined || userName;
  return [...chosen].slice(0, 128).join('');
}

const richInfoItem = z.object({ type: z.string(), value: z.string() });

/** Validates and normalises a POST/PUT body. Throws ScimError 400 (invalidSyntax / invalidValue). */
export function parseUserInput(body: unknown, options: UserInputOptions = {}): UserResource {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', `the body must be a JSON object (a SCIM User), got ${describe(body)}`);
  // Any urn: the IdP lists is an extension it added: kept as custom data (src/scim/custom-extensions.ts).
  checkDeclaredSchemas(body, USER_RESOURCE_TYPE, customUrnsOf(USER_RESOURCE_TYPE, body));
  return validateUserResource(body, options);
}

/**
 * The product rules on an already-shaped resource (also used after PATCH). Drops unknown and
 * readOnly attributes (id, meta, groups); derives `schemas` from the extensions present.
 */
export function validateUserResource(resource: ScimResource, options: UserInputOptions = {}): UserResource {
  const attributes = normaliseAttributes(resource, USER_RESOURCE_TYPE, { dropReadOnly: true });
  const custom = readCustomParts(USER_RESOURCE_TYPE, resource);
  const note = describeCustomParts(custom);
  if (note && options.note) options.note(note);
  const core = options.profile === 'directory' ? directoryUser(attributes) : strictUser(attributes);
  checkRichInfo(attributes, options.richInfoLimit ?? DEFAULT_RICH_INFO_LIMIT);
  checkSinglePrimary(attributes);
  const user: ScimResource = { ...attributes, ...core, ...custom.extensions };
  if (core.externalId === undefined) delete user['externalId'];
  return orderResource({ ...user, schemas: schemasOf(user, USER_RESOURCE_TYPE) }, USER_RESOURCE_TYPE) as UserResource;
}

function strictUser(attributes: ScimResource): { userName: string; displayName: string; externalId?: string; active: boolean } {
  const parsed = userCore.safeParse(attributes);
  if (!parsed.success) throw scimBadRequest('invalidValue', parsed.error.issues[0]?.message ?? 'invalid user');
  return parsed.data;
}

function directoryUser(attributes: ScimResource): { userName: string; displayName: string; externalId?: string; active: boolean } {
  const parsed = directoryCore.safeParse(attributes);
  if (!parsed.success) throw scimBadRequest('invalidValue', parsed.error.issues[0]?.message ?? 'invalid user');
  const { userName, active } = parsed.data;
  const displayName = parsed.data.displayName?.trim() ? parsed.data.displayName : derivedDisplayName(attributes, userName);
  // An empty externalId means none: RFC 7643 makes it optional and Okta sends "" for unmapped values.
  const externalId = parsed.data.externalId === undefined || parsed.data.externalId === '' ? undefined : parsed.data.externalId;
  return { userName, displayName, active, ...(externalId !== undefined ? { externalId } : {}) };
}

/**
 * RFC 7643 §3: every entry of `schemas` must be a schema of this resource type; `tolerated` lists
 * foreign URNs real clients add that we accept and ignore.
 */
export function checkDeclaredSchemas(body: ScimResource, resourceType: ResourceTypeDef, tolerated: readonly string[] = []): void {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  if (key === undefined) return;
  const schemas = body[key];
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw scimBadRequest('invalidValue', `schemas must be a list of schema URNs such as ["${resourceType.schema.id}"], got ${describe(schemas)}`);
  }
  const toleratedLower = new Set(tolerated.map((t) => t.toLowerCase()));
  for (const urn of schemas as string[]) {
    if (resourceType.schemasByUrn.has(urn.toLowerCase()) || toleratedLower.has(urn.toLowerCase())) continue;
    const supported = [...resourceType.schemasByUrn.values()].map((s) => s.id).join(', ');
    throw scimBadRequest('invalidValue', `schemas names "${clip(urn)}", which this server does not implement for ${resourceType.name}s (supported: ${supported})`);
  }
}

function checkRichInfo(attributes: ScimResource, limit: number): void {
  const profile = attributes[WIRE_PROFILE_SCHEMA];
  if (!isObject(profile) || profile['richInfo'] === undefined) return;
  const items = profile['richInfo'] as unknown[];
  let size = 0;
  items.forEach((item, i) => {
    const parsed = richInfoItem.safeParse(item);
    if (!parsed.success) throw scimBadRequest('invalidValue', `${WIRE_PROFILE_SCHEMA} richInfo[${i}] needs both "type" and "value" (strings)`);
    size += codePoints(parsed.data.type) + codePoints(parsed.data.value);
  });
  if (size > limit) {
    throw scimBadRequest('invalidValue', `${WIRE_PROFILE_SCHEMA} richInfo is ${size} characters (types plus values); the limit is ${limit}`);
  }
}

function checkSinglePrimary(attributes: ScimResource): void {
  for (const def of USER_RESOURCE_TYPE.schema.attributes) {
    const values = attributes[def.name];
    if (!def.multiValued || !Array.isArray(values)) continue;
    if (values.filter((v) => isObject(v) && v['primary'] === true).length > 1) {
      throw scimBadRequest('invalidValue', `${def.name}: at most one value may have "primary": true`);
    }
  }
}

/** The normalised resource → what the store keeps; in the directory profile the handle is derived later. */
export function splitUserResource(resource: UserResource, profile: ScimProfile = 'strict'): StoredUserParts {
  const { schemas: _s, id: _i, meta: _m, groups: _g, userName, displayName, externalId, active, ...scim } = resource;
  if (profile === 'directory') return { handle: '', userName, displayName, externalId: externalId ?? null, active, scim };
  return { handle: userName, displayName, externalId: externalId ?? null, active, scim };
}

/** The stored parts → the resource returned to clients (inverse of splitUserResource, plus id, groups, meta). */
export function buildUserResource(parts: StoredUserParts & { id: string; groups?: GroupRef[] }, meta: ResourceMeta): UserResource {
  // Built in canonical key order in one pass (no spread-then-reorder): lists build 100–1000 of these.
  const fixed: ScimResource = { id: parts.id, userName: parts.userName ?? parts.handle, displayName: parts.displayName, active: parts.active };
  if (parts.externalId !== null) fixed['externalId'] = parts.externalId;
  if (parts.groups && parts.groups.length > 0) fixed['groups'] = parts.groups;
  fixed['meta'] = { resourceType: 'User', created: meta.created, lastModified: meta.lastModified, location: meta.location, version: formatVersion(meta.version) };
  const scim = parts.scim;
  const resource: ScimResource = { schemas: schemasOf(scim, USER_RESOURCE_TYPE) };
  for (const key of USER_KEY_ORDER) {
    const value = Object.hasOwn(fixed, key) ? fixed[key] : scim[key];
    if (value !== undefined) resource[key] = value;
  }
  for (const key of Object.keys(scim)) if (!USER_KEYS.has(key) && scim[key] !== undefined) resource[key] = scim[key];
  return resource as UserResource;
}

/** resourceKeyOrder for Users without `schemas`, which buildUserResource always puts first. */
const USER_KEY_ORDER = resourceKeyOrder(USER_RESOURCE_TYPE).filter((k) => k !== 'schemas');
const USER_KEYS = new Set(resourceKeyOrder(USER_RESOURCE_TYPE));

/** A weak ETag from a stored version number (RFC 7232 §2.3). */
export function formatVersion(version: number | string): string {
  return typeof version === 'number' ? `W/"${version}"` : version;
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

