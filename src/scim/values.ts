/**
 * Schema-driven value handling shared by POST/PUT input and PATCH: canonical attribute names
 * (RFC 7643 §2.1: case-insensitive), values coerced to their declared type, unknown attributes
 * dropped, and a canonical key order for the resources we return.
 */
import type { AttributeDef, SchemaDef } from './attribute-defs';
import { matchSchemaPrefix, resolveCoreAttribute } from './attr-path';
import { scimBadRequest } from './errors';
import { isObject } from './filter-eval';
import { findSchemaAttribute, findSubAttribute, type ResourceTypeDef } from './resource-types';

export type ScimResource = Record<string, unknown>;

export interface CoerceOptions {
  /** Drop readOnly attributes and sub-attributes (client input) instead of keeping them (stored resources). */
  dropReadOnly: boolean;
}

/** An ISO 8601 date or date-time (RFC 7643 §2.3.5 dateTime, leniently: offset and seconds optional). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Parses "true"/"false" in any case and surrounding space, as Entra ID sends them; undefined otherwise. */
export function parseBooleanString(value: string): boolean | undefined {
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/**
 * Coerces a client value for `def`. Returns undefined for "unassigned" (null, empty array, empty
 * complex value: RFC 7643 §2.5). Throws invalidValue naming `label`.
 */
export function coerceValue(def: AttributeDef, value: unknown, label: string, options: CoerceOptions): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    const out: unknown[] = [];
    items.forEach((item, i) => {
      const coerced = coerceSingle(def, item, `${label}[${i}]`, options);
      if (coerced !== undefined) out.push(coerced);
    });
    return out.length > 0 ? dedupe(out, def) : undefined;
  }
  if (Array.isArray(value)) {
    // Some clients wrap a single value in a one-element array.
    if (value.length === 1) return coerceSingle(def, value[0], label, options);
    if (value.length === 0) return undefined;
    throw scimBadRequest('invalidValue', `${label} takes a single value, not a list of ${value.length}`);
  }
  return coerceSingle(def, value, label, options);
}

function coerceSingle(def: AttributeDef, value: unknown, label: string, options: CoerceOptions): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'complex':
      return coerceComplex(def, value, label, options);
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const parsed = typeof value === 'string' ? parseBooleanString(value) : undefined;
      if (parsed === undefined) throw scimBadRequest('invalidValue', `${label} must be a boolean (true or false), got ${JSON.stringify(value)}`);
      return parsed;
    }
    case 'integer':
    case 'decimal': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n))) {
        throw scimBadRequest('invalidValue', `${label} must be ${def.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
      }
      return n;
    }
    case 'dateTime': {
      if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
        throw scimBadRequest('invalidValue', `${label} must be an ISO 8601 timestamp such as "2024-01-31T12:00:00Z", got ${JSON.stringify(value)}`);
      }
      return value;
    }
    default: {
      if (typeof value === 'string') return value;
      // An employeeNumber sent as a JSON number means the same digits.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw scimBadRequest('invalidValue', `${label} must be a string, got ${describe(value)}`);
    }
  }
}

function coerceComplex(def: AttributeDef, value: unknown, label: string, options: CoerceOptions): unknown {
  if (!isObject(value)) {
    // Entra ID sends the enterprise manager as a bare id: {"manager": "<id>"} means {"value": "<id>"}.
    const valueSub = findSubAttribute(def, 'value');
    if (valueSub && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
      const coerced = coerceSingle(valueSub, value, `${label}.value`, options);
      return coerced === undefined ? undefined : { value: coerced };
    }
    throw scimBadRequest('invalidValue', `${label} must be an object with sub-attributes (${subNames(def)}), got ${describe(value)}`);
  }
  const out: ScimResource = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findSubAttribute(def, key);
    if (!sub) continue;
    if (options.dropReadOnly && sub.mutability === 'readOnly') continue;
    const coerced = coerceValue(sub, raw, `${label}.${sub.name}`, options);
    if (coerced !== undefined) out[sub.name] = coerced;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Identity of a value inside a multi-valued attribute: members by their id, anything else by content. */
export function valueIdentity(def: AttributeDef, value: unknown): string {
  if (def.name === 'members' && isObject(value) && typeof value['value'] === 'string') return `value:${value['value']}`;
  return canonicalJson(value);
}

/** Removes repeated values (RFC 7643 §2.4: no duplicates), keeping the first; O(n). */
export function dedupe(values: unknown[], def: AttributeDef): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of values) {
    const key = valueIdentity(def, value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Reads a client resource body into canonical form: known attributes only, canonical spelling,
 * coerced values, extension attributes under their URN key. `schemas` is left to the caller.
 */
export function normaliseAttributes(body: ScimResource, resourceType: ResourceTypeDef, options: CoerceOptions): ScimResource {
  const out: ScimResource = {};
  for (const [key, raw] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (key.toLowerCase().startsWith('urn:')) {
      const match = matchSchemaPrefix(resourceType, key);
      if (!match) continue;
      if (match.schema === resourceType.schema) {
        if (match.rest) {
          if (options.dropReadOnly && !resolveCoreAttribute(resourceType, match.rest)) throw unknownInSchema(match.schema, match.rest);
          assignCore(out, resourceType, match.rest, raw, options);
        }
        continue;
      }
      if (match.rest === null) {
        if (raw === null || raw === undefined) continue;
        if (!isObject(raw)) throw scimBadRequest('invalidValue', `${match.schema.id} must be an object of its attributes, got ${describe(raw)}`);
        for (const [attrKey, attrRaw] of Object.entries(raw)) assignExtension(out, match.schema, attrKey, attrRaw, options);
      } else {
        assignExtension(out, match.schema, match.rest, raw, options);
      }
      continue;
    }
    assignCore(out, resourceType, key, raw, options);
  }
  return out;
}

function assignCore(out: ScimResource, resourceType: ResourceTypeDef, key: string, raw: unknown, options: CoerceOptions): void {
  const resolved = resolveCoreAttribute(resourceType, key);
  if (!resolved || resolved.def.name === 'schemas') return;
  if (options.dropReadOnly && resolved.def.mutability === 'readOnly') return;
  const value = coerceValue(resolved.def, raw, resolved.def.name, options);
  if (value === undefined) delete out[resolved.def.name];
  else out[resolved.def.name] = value;
}

function assignExtension(out: ScimResource, schema: SchemaDef, key: string, raw: unknown, options: CoerceOptions): void {
  const def = findSchemaAttribute(schema, key);
  // Client input naming a schema we define must use its attributes: a misspelling is a 400 naming it
  // (attributes outside every schema are ignored instead, src/scim/custom-extensions.ts).
  if (!def && options.dropReadOnly) throw unknownInSchema(schema, key);
  if (!def) return;
  if (options.dropReadOnly && def.mutability === 'readOnly') return;
  const value = coerceValue(def, raw, `${schema.id}:${def.name}`, options);
  const current = isObject(out[schema.id]) ? (out[schema.id] as ScimResource) : {};
  if (value === undefined) delete current[def.name];
  else current[def.name] = value;
  if (Object.keys(current).length > 0) out[schema.id] = current;
  else delete out[schema.id];
}

/** The schemas a resource declares: its core schema plus each extension it carries a value for. */
export function schemasOf(resource: ScimResource, resourceType: ResourceTypeDef): string[] {
  const schemas = [resourceType.schema.id];
  for (const { schema } of resourceType.extensions) {
    const ext = resource[schema.id];
    if (isObject(ext) && Object.keys(ext).length > 0) schemas.push(schema.id);
  }
  // Extensions an IdP added that no schema here defines (stored as custom data, src/scim/custom-extensions.ts).
  for (const key of Object.keys(resource)) {
    if (/^urn:/i.test(key) && !matchSchemaPrefix(resourceType, key) && isObject(resource[key]) && Object.keys(resource[key]).length > 0) schemas.push(key);
  }
  return schemas;
}

const KEY_ORDER = new WeakMap<ResourceTypeDef, readonly string[]>();

/**
 * Canonical key order for a resource we return: schemas, id, externalId, core attributes in schema
 * order, extensions, meta (first occurrence wins). Computed once per resource type.
 */
export function resourceKeyOrder(resourceType: ResourceTypeDef): readonly string[] {
  let order = KEY_ORDER.get(resourceType);
  if (!order) {
    order = [...new Set(['schemas', 'id', 'externalId', ...resourceType.schema.attributes.map((a) => a.name), ...resourceType.extensions.map((e) => e.schema.id), 'meta'])];
    KEY_ORDER.set(resourceType, order);
  }
  return order;
}

/** The resource with its keys in resourceKeyOrder; keys outside the schemas keep their place at the end. */
export function orderResource(resource: ScimResource, resourceType: ResourceTypeDef): ScimResource {
  const out: ScimResource = {};
  for (const key of resourceKeyOrder(resourceType)) if (resource[key] !== undefined) out[key] = resource[key];
  for (const key of Object.keys(resource)) if (!(key in out) && resource[key] !== undefined) out[key] = resource[key];
  return out;
}

function unknownInSchema(schema: SchemaDef, key: string): Error {
  const names = schema.attributes.map((a) => a.name).join(', ');
  return scimBadRequest('invalidValue', `${schema.id} has no attribute "${key.length > 64 ? `${key.slice(0, 64)}…` : key}"; its attributes are: ${names}`);
}

function subNames(def: AttributeDef): string {
  return (def.subAttributes ?? []).map((s) => s.name).join(', ');
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
