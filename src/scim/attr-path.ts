/**
 * Attribute paths: from what a client writes ("NAME.givenName",
 * "urn:ietf:params:scim:schemas:core:2.0:User:userName",
 * "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value") to the canonical
 * AttrPath of src/store/query.ts.
 *
 * Canonical form (see docs/DECISIONS-scim.md):
 * - core and common attributes: schema spelling, no URN: { attr: "name", sub: "givenName" };
 * - extension attributes: attr = "<extension URN>:<attribute>", schema spelling of both:
 *   { attr: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", sub: "value" }.
 * In the resource JSON (and in User.scim) an extension attribute lives at resource[URN][attribute].
 */
import type { AttrPath } from '../store/query';
import type { AttributeDef, SchemaDef } from './attribute-defs';
import { findSchemaAttribute, findSubAttribute, type ResourceTypeDef } from './resource-types';

export interface ResolvedAttr {
  /** Canonical top-level attribute: "emails", or "<extension URN>:department". */
  attr: string;
  def: AttributeDef;
  /** The extension URN when the attribute belongs to an extension schema. */
  extension?: string;
}

export interface ResolvedPath extends ResolvedAttr {
  path: AttrPath;
  /** The definition of `path.sub`, when there is one. */
  subDef?: AttributeDef;
}

export type Resolution<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The canonical `attr` of an extension attribute. */
export function extensionAttr(schemaUrn: string, attributeName: string): string {
  return `${schemaUrn}:${attributeName}`;
}

/**
 * Splits a canonical `attr` into its extension URN and attribute name; null for core attributes.
 * For the store: the value lives at scim[schema][name].
 */
export function splitExtensionAttr(attr: string): { schema: string; name: string } | null {
  if (!attr.toLowerCase().startsWith('urn:')) return null;
  const cut = attr.lastIndexOf(':');
  return { schema: attr.slice(0, cut), name: attr.slice(cut + 1) };
}

/** The keys leading to a path's value in a resource JSON: ["name","givenName"], ["urn:…:User","manager","value"]. */
export function resourceKeys(path: AttrPath): string[] {
  const ext = splitExtensionAttr(path.attr);
  const keys = ext ? [ext.schema, ext.name] : [path.attr];
  if (path.sub !== undefined) keys.push(path.sub);
  return keys;
}

/** Finds a known schema URN at the start of `text` (any case), followed by ":" or the end. */
export function matchSchemaPrefix(resourceType: ResourceTypeDef, text: string): { schema: SchemaDef; rest: string | null } | undefined {
  const lower = text.toLowerCase();
  let best: SchemaDef | undefined;
  for (const [urn, schema] of resourceType.schemasByUrn) {
    if (!lower.startsWith(urn)) continue;
    const next = lower.charAt(urn.length);
    if (next !== '' && next !== ':') continue;
    if (!best || urn.length > best.id.length) best = schema;
  }
  if (!best) return undefined;
  const rest = text.length > best.id.length ? text.slice(best.id.length + 1) : null;
  return { schema: best, rest };
}

/** Resolves one top-level attribute name (no dots, no URN) of the core schema or the common attributes. */
export function resolveCoreAttribute(resourceType: ResourceTypeDef, name: string): ResolvedAttr | undefined {
  const def = resourceType.byName.get(name.toLowerCase());
  return def ? { attr: def.name, def } : undefined;
}

const NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;

/**
 * Resolves "attr", "attr.sub", "urn:…:attr" and "urn:…:attr.sub" against the resource type's
 * schemas. With `allowSchemaOnly`, a bare extension URN resolves to `{ schemaOnly }` (PATCH may
 * target a whole extension object).
 */
export function resolveAttrPath(
  resourceType: ResourceTypeDef,
  text: string,
  options: { allowSchemaOnly?: boolean } = {},
): Resolution<ResolvedPath | { schemaOnly: SchemaDef }> {
  let schema: SchemaDef = resourceType.schema;
  let rest = text;
  if (text.toLowerCase().startsWith('urn:')) {
    const match = matchSchemaPrefix(resourceType, text);
    if (!match) {
      const urn = text.includes('.') || text.lastIndexOf(':') > 3 ? text.slice(0, text.lastIndexOf(':')) : text;
      return { ok: false, reason: `unknown schema "${urn}" (this resource knows ${[...resourceType.schemasByUrn.values()].map((s) => s.id).join(', ')})` };
    }
    schema = match.schema;
    if (match.rest === null || match.rest === '') {
      if (options.allowSchemaOnly && schema !== resourceType.schema) return { ok: true, value: { schemaOnly: schema } };
      return { ok: false, reason: `"${text}" names a schema, not an attribute; add ":<attribute>"` };
    }
    rest = match.rest;
  }
  const parts = rest.split('.');
  if (parts.length > 2) return { ok: false, reason: `"${text}" is nested too deeply: SCIM paths are attribute or attribute.subAttribute` };
  const [name, subName] = parts as [string, string | undefined];
  if (!NAME.test(name)) return { ok: false, reason: `"${name}" is not a valid attribute name` };

  let top: ResolvedAttr | undefined;
  if (schema === resourceType.schema) {
    top = resolveCoreAttribute(resourceType, name);
  } else {
    const def = findSchemaAttribute(schema, name);
    if (def) top = { attr: extensionAttr(schema.id, def.name), def, extension: schema.id };
  }
  if (!top) return { ok: false, reason: `unknown attribute "${name}"${schema === resourceType.schema ? '' : ` in ${schema.id}`}` };

  if (subName === undefined) return { ok: true, value: { ...top, path: { attr: top.attr } } };
  if (top.def.type !== 'complex') return { ok: false, reason: `"${top.def.name}" has no sub-attributes, so "${text}" does not exist` };
  const subDef = findSubAttribute(top.def, subName);
  if (!subDef) {
    const known = (top.def.subAttributes ?? []).map((s) => s.name).join(', ');
    return { ok: false, reason: `unknown sub-attribute "${subName}" of "${top.def.name}" (known: ${known})` };
  }
  return { ok: true, value: { ...top, subDef, path: { attr: top.attr, sub: subDef.name } } };
}

/** The definition behind a canonical `attr` (core, common or "<extension URN>:<name>"). */
export function findAttributeDef(resourceType: ResourceTypeDef, attr: string): AttributeDef | undefined {
  const ext = splitExtensionAttr(attr);
  if (!ext) return resourceType.byName.get(attr.toLowerCase());
  const schema = resourceType.schemasByUrn.get(ext.schema.toLowerCase());
  return schema && schema !== resourceType.schema ? findSchemaAttribute(schema, ext.name) : undefined;
}
