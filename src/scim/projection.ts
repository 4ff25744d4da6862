/**
 * RFC 7644 §3.4.2.5 attributes / excludedAttributes. Names are case-insensitive and may be
 * sub-attributes ("name.givenName", "emails.value") or URN-qualified
 * ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", or a whole extension
 * URN). `returned: always` attributes (id, schemas) are always kept, `returned: never` never shown,
 * `returned: request` only when asked for. Unknown names are ignored, as most servers do.
 */
import type { AttributeDef } from './attribute-defs';
import { resolveAttrPath, resourceKeys } from './attr-path';
import { isObject } from './filter-eval';
import { USER_RESOURCE_TYPE, type ResourceTypeDef } from './resource-types';
import type { ScimResource } from './values';

export interface ProjectionRequest {
  /** Comma-separated string (query parameter) or list (POST .search body). */
  attributes?: string | string[] | undefined;
  excludedAttributes?: string | string[] | undefined;
}

type Tree = Map<string, Tree | true>;

/** "userName, name.givenName" → ["userName", "name.givenName"]. */
export function parseAttributeList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : value.split(',');
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function projectResource(resource: ScimResource, request: ProjectionRequest, resourceType: ResourceTypeDef = USER_RESOURCE_TYPE): ScimResource {
  const always = topLevelNames(resourceType, (def) => def.returned === 'always');
  const never = buildTree(resourceType, neverPaths(resourceType));
  const visible = omit(resource, never) as ScimResource;

  const requested = parseAttributeList(request.attributes);
  let out: ScimResource;
  if (requested.length > 0) {
    const picked = (pick(visible, buildTree(resourceType, requested)) as ScimResource | undefined) ?? {};
    out = {};
    // Keep the resource's own key order; always-returned attributes come along.
    for (const key of Object.keys(visible)) {
      if (always.has(key.toLowerCase())) out[key] = visible[key];
      else if (key in picked) out[key] = picked[key];
    }
  } else {
    const requestOnly = topLevelNames(resourceType, (def) => def.returned === 'request');
    out = Object.fromEntries(Object.entries(visible).filter(([key]) => !requestOnly.has(key.toLowerCase())));
  }

  const excluded = parseAttributeList(request.excludedAttributes).filter((name) => !always.has(name.toLowerCase()));
  if (excluded.length > 0) out = (omit(out, buildTree(resourceType, excluded)) as ScimResource | undefined) ?? {};
  return out;
}

function topLevelNames(resourceType: ResourceTypeDef, test: (def: AttributeDef) => boolean): Set<string> {
  return new Set([...resourceType.byName.values()].filter(test).map((def) => def.name.toLowerCase()));
}

function neverPaths(resourceType: ResourceTypeDef): string[] {
  const paths: string[] = [];
  const visit = (prefix: string, defs: AttributeDef[]) => {
    for (const def of defs) {
      if (def.returned === 'never') paths.push(`${prefix}${def.name}`);
      for (const sub of def.subAttributes ?? []) if (sub.returned === 'never') paths.push(`${prefix}${def.name}.${sub.name}`);
    }
  };
  visit('', [...resourceType.byName.values()]);
  for (const { schema } of resourceType.extensions) visit(`${schema.id}:`, schema.attributes);
  return paths;
}

/** Attribute names → a tree of lower-cased resource keys; `true` marks "the whole value". */
function buildTree(resourceType: ResourceTypeDef, names: string[]): Tree {
  const tree: Tree = new Map();
  for (const name of names) {
    const resolution = resolveAttrPath(resourceType, name, { allowSchemaOnly: true });
    if (!resolution.ok) continue;
    const keys = 'schemaOnly' in resolution.value ? [resolution.value.schemaOnly.id] : resourceKeys(resolution.value.path);
    let node = tree;
    keys.forEach((key, i) => {
      const lower = key.toLowerCase();
      const existing = node.get(lower);
      if (existing === true) return;
      if (i === keys.length - 1) {
        node.set(lower, true);
        return;
      }
      const child: Tree = existing ?? new Map();
      node.set(lower, child);
      node = child;
    });
  }
  return tree;
}

/** Keeps only what the tree names. Multi-valued attributes keep the named sub-attributes of each value. */
function pick(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => pick(item, tree)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return undefined;
  const out: ScimResource = {};
  for (const [key, item] of Object.entries(value)) {
    const node = tree.get(key.toLowerCase());
    if (node === undefined) continue;
    const picked = node === true ? item : pick(item, node);
    if (picked !== undefined) out[key] = picked;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops what the tree names; containers left empty are dropped too. */
function omit(value: unknown, tree: Tree): unknown {
  if (tree.size === 0) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => omit(item, tree)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return value;
  const out: ScimResource = {};
  for (const [key, item] of Object.entries(value)) {
    const node = tree.get(key.toLowerCase());
    if (node === true) continue;
    const kept = node === undefined ? item : omit(item, node);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
