/**
 * The two resource types (RFC 7643 §6) with lookup tables for case-insensitive attribute names
 * (RFC 7643 §2.1), built once at import.
 */
import type { AttributeDef, SchemaDef } from './attribute-defs';
import {
  commonAttributes,
  EMAIL_VALIDATION_SCHEMA_DEF,
  ENTERPRISE_USER_SCHEMA_DEF,
  GROUP_SCHEMA_DEF,
  USER_SCHEMA_DEF,
  WIRE_PROFILE_SCHEMA_DEF,
} from './schemas';

export interface ResourceTypeDef {
  id: 'User' | 'Group';
  name: string;
  endpoint: string;
  description: string;
  schema: SchemaDef;
  extensions: { schema: SchemaDef; required: boolean }[];
  /** id, externalId, meta, schemas. */
  common: AttributeDef[];
  /** lower-cased name → definition, for core and common attributes. */
  byName: Map<string, AttributeDef>;
  /** lower-cased schema URN → schema, for the core schema and every extension. */
  schemasByUrn: Map<string, SchemaDef>;
}

function define(
  id: 'User' | 'Group',
  endpoint: string,
  description: string,
  schema: SchemaDef,
  extensions: SchemaDef[],
): ResourceTypeDef {
  const common = commonAttributes(id);
  const byName = new Map<string, AttributeDef>();
  for (const def of [...common, ...schema.attributes]) byName.set(def.name.toLowerCase(), def);
  const schemasByUrn = new Map<string, SchemaDef>([[schema.id.toLowerCase(), schema]]);
  for (const ext of extensions) schemasByUrn.set(ext.id.toLowerCase(), ext);
  return {
    id,
    name: id,
    endpoint,
    description,
    schema,
    extensions: extensions.map((ext) => ({ schema: ext, required: false })),
    common,
    byName,
    schemasByUrn,
  };
}

export const USER_RESOURCE_TYPE = define('User', '/Users', 'User Account', USER_SCHEMA_DEF, [
  ENTERPRISE_USER_SCHEMA_DEF,
  WIRE_PROFILE_SCHEMA_DEF,
  EMAIL_VALIDATION_SCHEMA_DEF,
]);
export const GROUP_RESOURCE_TYPE = define('Group', '/Groups', 'Group', GROUP_SCHEMA_DEF, []);
export const RESOURCE_TYPES: readonly ResourceTypeDef[] = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE];

/** Case-insensitive lookup of a sub-attribute. */
export function findSubAttribute(parent: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

/** Case-insensitive lookup of an attribute of one schema. */
export function findSchemaAttribute(schema: SchemaDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return schema.attributes.find((attr) => attr.name.toLowerCase() === lower);
}

/** The extension schema with this URN (any case), if the resource type has it. */
export function findExtension(resourceType: ResourceTypeDef, urn: string): SchemaDef | undefined {
  const schema = resourceType.schemasByUrn.get(urn.toLowerCase());
  return schema && schema !== resourceType.schema ? schema : undefined;
}
