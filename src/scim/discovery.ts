/**
 * The discovery documents (RFC 7644 §4, RFC 7643 §5–§7), built from the same definitions the
 * server enforces, so /Schemas cannot drift from behaviour. Every builder takes the SCIM base URL
 * (e.g. "https://gatehouse.example.com/scim/v2") for meta.location.
 */
import type { AttributeDef, SchemaDef } from './attribute-defs';
import { RESOURCE_TYPES, type ResourceTypeDef } from './resource-types';
import type { ScimProfile } from './profile';
import { LIST_RESPONSE_SCHEMA, USER_SCHEMA_DEF } from './schemas';
import type { ScimResource } from './values';

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export interface ServiceProviderOptions {
  /** Largest `count` a list request may ask for (the filter maxResults). */
  maxResults: number;
  bulk?: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  documentationUri?: string;
}

const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

function listResponse(resources: ScimResource[]): ScimResource {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}

function attributeDocument(def: AttributeDef): ScimResource {
  const doc: ScimResource = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
  };
  if (def.canonicalValues) doc['canonicalValues'] = def.canonicalValues;
  if (def.referenceTypes) doc['referenceTypes'] = def.referenceTypes;
  if (def.subAttributes) doc['subAttributes'] = def.subAttributes.map(attributeDocument);
  return doc;
}

function allSchemas(): SchemaDef[] {
  const seen = new Map<string, SchemaDef>();
  for (const rt of RESOURCE_TYPES) for (const schema of [rt.schema, ...rt.extensions.map((e) => e.schema)]) seen.set(schema.id, schema);
  return [...seen.values()];
}

/**
 * The directory profile's User rules (src/scim/profile.ts) as schema attributes: userName is the
 * IdP login name, unique in the team ignoring case; displayName and externalId optional.
 */
const DIRECTORY_USER_ATTRIBUTES: Record<string, Partial<AttributeDef>> = {
  userName: { description: "Unique identifier for the User: the identity provider's login name (any text of 1 to 256 characters), unique within the team ignoring the case of A-Z; the SAML NameID must equal it. REQUIRED.", uniqueness: 'server', caseExact: false },
  displayName: { description: 'The name of the User, suitable for display: at most 128 characters; derived from name.formatted, else givenName + familyName, else userName when absent.', required: false },
  externalId: { description: 'Identifier of the resource as defined by the provisioning client: optional and opaque (not unique).', required: false },
};

function profileAttribute(schema: SchemaDef, def: AttributeDef, profile: ScimProfile): AttributeDef {
  if (profile !== 'directory' || schema.id !== USER_SCHEMA_DEF.id) return def;
  const change = DIRECTORY_USER_ATTRIBUTES[def.name];
  return change ? { ...def, ...change } : def;
}

export function buildSchemaDocument(schema: SchemaDef, baseUrl: string, profile: ScimProfile = 'strict'): ScimResource {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map((def) => attributeDocument(profileAttribute(schema, def, profile))),
    meta: { resourceType: 'Schema', location: `${trimBase(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** GET /Schemas */
export function buildSchemasListResponse(baseUrl: string, profile: ScimProfile = 'strict'): ScimResource {
  return listResponse(allSchemas().map((schema) => buildSchemaDocument(schema, baseUrl, profile)));
}

/** GET /Schemas/{urn} (URN matched case-insensitively); null → 404. */
export function findSchemaDocument(baseUrl: string, urn: string, profile: ScimProfile = 'strict'): ScimResource | null {
  const schema = allSchemas().find((s) => s.id.toLowerCase() === urn.toLowerCase());
  return schema ? buildSchemaDocument(schema, baseUrl, profile) : null;
}

export function buildResourceTypeDocument(resourceType: ResourceTypeDef, baseUrl: string): ScimResource {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.schema.id,
    schemaExtensions: resourceType.extensions.map((ext) => ({ schema: ext.schema.id, required: ext.required })),
    meta: { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/${resourceType.id}` },
  };
}

/** GET /ResourceTypes */
export function buildResourceTypesListResponse(baseUrl: string): ScimResource {
  return listResponse(RESOURCE_TYPES.map((rt) => buildResourceTypeDocument(rt, baseUrl)));
}

/** GET /ResourceTypes/{name} (case-insensitive); null → 404. */
export function findResourceTypeDocument(baseUrl: string, name: string): ScimResource | null {
  const resourceType = RESOURCE_TYPES.find((rt) => rt.id.toLowerCase() === name.toLowerCase());
  return resourceType ? buildResourceTypeDocument(resourceType, baseUrl) : null;
}

/** GET /ServiceProviderConfig: what is implemented, nothing more. */
export function buildServiceProviderConfig(baseUrl: string, options: ServiceProviderOptions): ScimResource {
  const doc: ScimResource = {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: options.bulk ?? { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A SCIM token generated by a team admin, sent as "Authorization: Bearer <token>".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${trimBase(baseUrl)}/ServiceProviderConfig` },
  };
  if (options.documentationUri) doc['documentationUri'] = options.documentationUri;
  return doc;
}
