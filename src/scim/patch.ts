/**
 * RFC 7644 §3.5.2 PATCH applied to a resource JSON, driven by the schemas (so names are
 * case-insensitive, values typed, readOnly attributes refused). Atomic by construction: every
 * operation runs on a deep copy, which is returned only when all of them succeed.
 * Choices where the RFC is silent or clients disagree with it are in docs/DECISIONS-scim.md.
 */
import type { FilterNode, FilterValue } from '../store/query';
import type { AttributeDef } from './attribute-defs';
import { extensionAttr, matchSchemaPrefix, type ResolvedAttr } from './attr-path';
import { scimBadRequest, withDetailPrefix } from './errors';
import { isObject, matchesFilter } from './filter-eval';
import { customExtensionTarget, isCustomExtensionKey } from './custom-extensions';
import { formatFilter } from './filter-format';
import { parsePatchPath, type PatchPath } from './filter';
import { parsePatchRequest, type PatchOperation, type PatchOpName } from './patch-request';
import { readMemberRef } from './group-input';
import { findSchemaAttribute, findSubAttribute, GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE, type ResourceTypeDef } from './resource-types';
import { validateUserResource, type UserInputOptions, type UserResource } from './user-input';
import { canonicalJson, coerceValue, dedupe, describe, orderResource, schemasOf, type ScimResource } from './values';

export type { PatchOperation, PatchOpName } from './patch-request';
export { parsePatchRequest } from './patch-request';

const INPUT = { dropReadOnly: true } as const;

/** Applies a PatchOp body (as received) to `resource`; returns the new resource. Throws ScimError. */
export function applyPatch(resource: ScimResource, body: unknown, resourceType: ResourceTypeDef): ScimResource {
  return applyPatchOperations(resource, parsePatchRequest(body), resourceType);
}

export function applyPatchOperations(resource: ScimResource, operations: PatchOperation[], resourceType: ResourceTypeDef): ScimResource {
  const doc = canonicaliseKeys(structuredClone(resource), resourceType);
  operations.forEach((operation, index) => {
    try {
      applyOperation(doc, operation, resourceType);
    } catch (error) {
      throw withOperationContext(error, operation, index);
    }
  });
  doc['schemas'] = schemasOf(doc, resourceType);
  return orderResource(doc, resourceType);
}

function applyOperation(doc: ScimResource, operation: PatchOperation, resourceType: ResourceTypeDef): void {
  const { op, path, value } = operation;
  if (path !== undefined) {
    if (resourceType === USER_RESOURCE_TYPE && isCustomExtensionKey(resourceType, path)) return applyToCustomExtension(doc, op, path, value);
    applyToTarget(doc, op, parsePatchPath(path, resourceType), value, path, 'value' in operation);
    return;
  }
  if (op === 'remove') throw scimBadRequest('noTarget', 'remove needs a "path" naming what to remove');
  if (!isObject(value)) {
    throw scimBadRequest('invalidValue', `without a "path", the value of ${op} must be an object of attributes such as {"active": false}, got ${describe(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (resourceType === USER_RESOURCE_TYPE && isCustomExtensionKey(resourceType, key)) {
      applyToCustomExtension(doc, op, key, item);
      continue;
    }
    const target = parsePatchPath(key, resourceType);
    // Okta's group rename repeats the resource id next to displayName.
    if (target.kind === 'attr' && isPlainId(target) && item === doc['id']) continue;
    applyToTarget(doc, op, target, item, key, true);
  }
}

/**
 * An extension the IdP added (Entra ID's custom extension, Okta custom attributes): its attributes
 * are opaque, so a path sets, merges or removes them as sent; the size is checked with the result.
 */
function applyToCustomExtension(doc: ScimResource, op: PatchOpName, path: string, value: unknown): void {
  const known = Object.keys(doc).filter((k) => isCustomExtensionKey(USER_RESOURCE_TYPE, k));
  const { urn, attr } = customExtensionTarget(path, known);
  const current = isObject(doc[urn]) ? { ...(doc[urn] as ScimResource) } : {};
  if (attr === null) {
    if (op === 'remove' || value === null) delete doc[urn];
    else if (!isObject(value)) throw scimBadRequest('invalidValue', `${urn} takes an object of its attributes, got ${describe(value)}`);
    else doc[urn] = op === 'add' ? { ...current, ...value } : { ...value };
    return;
  }
  if (op === 'remove' || value === null) delete current[attr];
  else current[attr] = value;
  if (Object.keys(current).length > 0) doc[urn] = current;
  else delete doc[urn];
}

function isPlainId(target: Extract<PatchPath, { kind: 'attr' }>): boolean {
  return target.top.attr === 'id' && !target.sub && !target.filter;
}

function applyToTarget(doc: ScimResource, op: PatchOpName, target: PatchPath, value: unknown, label: string, hasValue: boolean): void {
  if (target.kind === 'extension') {
    const urn = target.schema.id;
    if (op === 'remove' || (op === 'replace' && value === null)) {
      delete doc[urn];
      return;
    }
    if (value === null) return;
    if (!isObject(value)) throw scimBadRequest('invalidValue', `${urn} takes an object of its attributes, got ${describe(value)}`);
    for (const [key, item] of Object.entries(value)) {
      const def = findSchemaAttribute(target.schema, key);
      if (!def) throw scimBadRequest('invalidPath', `unknown attribute "${key}" in ${urn}`);
      applyToAttr(doc, op, { top: { attr: extensionAttr(urn, def.name), def, extension: urn } }, item, `${urn}:${def.name}`, true);
    }
    return;
  }
  applyToAttr(doc, op, target, value, label, hasValue);
}

interface AttrTarget {
  top: ResolvedAttr;
  sub?: AttributeDef;
  filter?: FilterNode;
}

function applyToAttr(doc: ScimResource, op: PatchOpName, target: AttrTarget, value: unknown, label: string, hasValue: boolean): void {
  const { top, sub, filter } = target;
  if (top.def.mutability === 'readOnly') throw scimBadRequest('mutability', `${top.def.name} is read-only and cannot be changed`);
  if (sub?.mutability === 'readOnly') throw scimBadRequest('mutability', `${top.def.name}.${sub.name} is read-only and cannot be changed`);
  if (sub?.mutability === 'immutable') {
    throw scimBadRequest('mutability', `${top.def.name}.${sub.name} cannot be changed in place; add or remove the whole ${top.def.name} value instead`);
  }
  const container = top.extension ? extensionObject(doc, top.extension) : doc;
  if (!filter && !sub) applyWhole(container, top.def, op, value, label, hasValue);
  else if (!filter && sub) applySub(container, top.def, sub, op, value, label);
  else applyFiltered(container, top.def, filter as FilterNode, sub, op, value, label);
  if (top.extension && Object.keys(container).length === 0) delete doc[top.extension];
  else if (top.extension) doc[top.extension] = container;
}

// ---- whole attribute: "title", "emails", "name", "urn:…:manager" ----

function applyWhole(container: ScimResource, def: AttributeDef, op: PatchOpName, value: unknown, label: string, hasValue: boolean): void {
  const key = def.name;
  if (op === 'remove') {
    if (def.multiValued && hasValue && value !== null && value !== undefined) {
      removeListedValues(container, def, value, label);
      return;
    }
    unassign(container, def, label);
    return;
  }
  const coerced = coerceValue(def, value, label, INPUT);
  if (coerced === undefined) {
    // Adding nothing changes nothing; replacing with null/[] unassigns (RFC 7643 §2.5).
    if (op === 'replace') unassign(container, def, label);
    return;
  }
  if (def.multiValued) {
    const added = coerced as unknown[];
    const current = op === 'add' && Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
    const merged = dedupe([...current, ...added], def);
    container[key] = keepOnePrimary(merged, new Set(added));
    return;
  }
  if (def.type === 'complex' && isObject(container[key]) && isObject(coerced)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not given are left unchanged.
    container[key] = { ...(container[key] as ScimResource), ...coerced };
    return;
  }
  container[key] = coerced;
}

function unassign(container: ScimResource, def: AttributeDef, label: string): void {
  if (def.required) throw scimBadRequest('mutability', `${label} is required and cannot be removed`);
  delete container[def.name];
}

/** Okta and Entra ID remove members with {"op":"remove","path":"members","value":[{"value":"id"}]}. */
function removeListedValues(container: ScimResource, def: AttributeDef, value: unknown, label: string): void {
  const listed = (coerceValue(def, value, label, INPUT) as unknown[] | undefined) ?? [];
  const valueDef = def.type === 'complex' ? findSubAttribute(def, 'value') : undefined;
  const keyOf = (item: unknown): string => {
    if (valueDef && isObject(item) && typeof item['value'] === 'string') {
      return `value:${valueDef.caseExact ? item['value'] : item['value'].toLowerCase()}`;
    }
    return canonicalJson(item);
  };
  const doomed = new Set(listed.map(keyOf));
  const current = Array.isArray(container[def.name]) ? (container[def.name] as unknown[]) : [];
  setList(container, def, current.filter((item) => !doomed.has(keyOf(item))));
}

// ---- sub-attribute without a filter: "name.givenName", "urn:…:manager.value", "emails.value" ----

function applySub(container: ScimResource, def: AttributeDef, sub: AttributeDef, op: PatchOpName, value: unknown, label: string): void {
  const key = def.name;
  const subValue = op === 'remove' ? undefined : coerceValue(sub, value, label, INPUT);
  if (subValue === undefined) {
    if (op === 'add') return;
    if (sub.required) throw scimBadRequest('mutability', `${label} is required and cannot be removed`);
    if (def.multiValued) {
      const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
      setList(container, def, current.map((item) => withoutKey(item, sub.name)).filter(nonEmpty));
    } else if (isObject(container[key])) {
      const rest = withoutKey(container[key], sub.name);
      if (nonEmpty(rest)) container[key] = rest;
      else delete container[key];
    }
    return;
  }
  if (def.multiValued) {
    const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
    const updated = current.length === 0 ? [{ [sub.name]: subValue }] : current.map((item) => ({ ...(isObject(item) ? item : {}), [sub.name]: subValue }));
    setList(container, def, keepOnePrimary(dedupe(updated, def), new Set()));
    return;
  }
  container[key] = { ...(isObject(container[key]) ? (container[key] as ScimResource) : {}), [sub.name]: subValue };
}

// ---- value filter: "emails[type eq \"work\"]", "addresses[type eq \"work\"].formatted", "members[value eq \"id\"]" ----

function applyFiltered(
  container: ScimResource,
  def: AttributeDef,
  filter: FilterNode,
  sub: AttributeDef | undefined,
  op: PatchOpName,
  value: unknown,
  label: string,
): void {
  const key = def.name;
  const current = container[key];
  const elements: unknown[] = def.multiValued ? (Array.isArray(current) ? [...current] : []) : isObject(current) ? [current] : [];
  const matched = elements.map((element) => isObject(element) && matchesFilter(filter, element));
  const anyMatch = matched.some(Boolean);

  const newValue =
    op === 'remove' ? undefined : sub ? coerceValue(sub, value, label, INPUT) : coerceValue({ ...def, multiValued: false }, value, label, INPUT);
  if (newValue === undefined) {
    if (op === 'add') return;
    if (sub?.required) throw scimBadRequest('mutability', `${label} is required and cannot be removed`);
    // Remove (or replace with null): a filter that matches nothing changes nothing (not an error).
    const kept = elements.flatMap((element, i) => {
      if (!matched[i]) return [element];
      if (!sub) return [];
      const rest = withoutKey(element, sub.name);
      return nonEmpty(rest) ? [rest] : [];
    });
    writeBack(container, def, kept);
    return;
  }

  const touched = new Set<unknown>();
  if (anyMatch) {
    const updated = elements.map((element, i) => {
      if (!matched[i]) return element;
      const next = sub ? { ...(element as ScimResource), [sub.name]: newValue } : { ...(element as ScimResource), ...(newValue as ScimResource) };
      touched.add(next);
      return next;
    });
    writeBack(container, def, updated, touched);
    return;
  }
  // Nothing matches: create the value the filter describes (Entra ID adds
  // phoneNumbers[type eq "work"].value this way). Only possible when the filter is "a eq x and b eq y".
  const assignments = eqAssignments(filter);
  if (!assignments) {
    throw scimBadRequest('noTarget', `no value of ${def.name} matches [${formatFilter(filter)}], and the filter does not describe a value to create`);
  }
  const created = sub ? { ...assignments, [sub.name]: newValue } : { ...assignments, ...(newValue as ScimResource) };
  touched.add(created);
  writeBack(container, def, [...elements, created], touched);
}

function writeBack(container: ScimResource, def: AttributeDef, elements: unknown[], touched: Set<unknown> = new Set()): void {
  if (def.multiValued) setList(container, def, keepOnePrimary(dedupe(elements, def), touched));
  else if (elements.length > 0) container[def.name] = elements[elements.length - 1];
  else delete container[def.name];
}

/** The value a filter like `type eq "work" and primary eq true` describes; null when it describes none. */
function eqAssignments(filter: FilterNode): Record<string, FilterValue> | null {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null && filter.path.sub === undefined) {
    return { [filter.path.attr]: filter.value };
  }
  if (filter.kind !== 'and') return null;
  const left = eqAssignments(filter.left);
  const right = eqAssignments(filter.right);
  if (!left || !right) return null;
  for (const [k, v] of Object.entries(right)) if (k in left && left[k] !== v) return null;
  return { ...left, ...right };
}

// ---- helpers ----

function setList(container: ScimResource, def: AttributeDef, list: unknown[]): void {
  if (list.length > 0) container[def.name] = list;
  else delete container[def.name];
}

/** RFC 7643 §2.4: at most one value has primary true; a value just written wins. */
function keepOnePrimary(list: unknown[], preferred: Set<unknown>): unknown[] {
  const primaries = list.filter((item) => isObject(item) && item['primary'] === true);
  if (primaries.length <= 1) return list;
  const keep = [...primaries].reverse().find((item) => preferred.has(item)) ?? primaries[0];
  return list.map((item) => (isObject(item) && item['primary'] === true && item !== keep ? { ...item, primary: false } : item));
}

function withoutKey(item: unknown, key: string): unknown {
  if (!isObject(item)) return item;
  const { [key]: _removed, ...rest } = item;
  return rest;
}

function nonEmpty(item: unknown): boolean {
  return !isObject(item) || Object.keys(item).length > 0;
}

function extensionObject(doc: ScimResource, urn: string): ScimResource {
  const current = doc[urn];
  return isObject(current) ? current : {};
}

function withOperationContext(error: unknown, operation: PatchOperation, index: number): unknown {
  return withDetailPrefix(error, `Operation ${index + 1} (${operation.op}${operation.path !== undefined ? ` ${operation.path}` : ''}): `);
}

/**
 * Renames known attributes of a stored resource to their canonical spelling (RFC 7643 §2.1), so
 * the operations above can address them by schema name. Values are not coerced: stored data is ours.
 */
export function canonicaliseKeys(doc: ScimResource, resourceType: ResourceTypeDef): ScimResource {
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.toLowerCase().startsWith('urn:')) {
      const match = matchSchemaPrefix(resourceType, key);
      if (match && match.rest === null && match.schema !== resourceType.schema && isObject(value)) {
        const ext: ScimResource = {};
        for (const [attrKey, attrValue] of Object.entries(value)) {
          const def = findSchemaAttribute(match.schema, attrKey);
          ext[def ? def.name : attrKey] = def ? canonicaliseValue(def, attrValue) : attrValue;
        }
        out[match.schema.id] = ext;
        continue;
      }
      out[key] = value;
      continue;
    }
    const def = resourceType.byName.get(key.toLowerCase());
    out[def ? def.name : key] = def ? canonicaliseValue(def, value) : value;
  }
  return out;
}

function canonicaliseValue(def: AttributeDef, value: unknown): unknown {
  if (def.type !== 'complex') return value;
  if (Array.isArray(value)) return value.map((item) => canonicaliseValue(def, item));
  if (!isObject(value)) return value;
  const out: ScimResource = {};
  for (const [key, item] of Object.entries(value)) out[findSubAttribute(def, key)?.name ?? key] = item;
  return out;
}


/** PATCH of a User: the operations, then the product rules on the result (userName, displayName…). */
export function applyUserPatch(resource: ScimResource, body: unknown, options: UserInputOptions = {}): UserResource {
  const patched = applyPatch(resource, body, USER_RESOURCE_TYPE);
  const user: ScimResource = { ...validateUserResource(patched, options) };
  for (const key of ['id', 'groups', 'meta']) if (resource[key] !== undefined) user[key] = resource[key];
  return orderResource(user, USER_RESOURCE_TYPE) as UserResource;
}

/**
 * PATCH of a Group held as one JSON document (members inline). For groups whose members are rows,
 * use planGroupMemberPatch instead: same request shapes, O(n) plan, no document rewrite.
 */
export function applyGroupPatch(resource: ScimResource, body: unknown): ScimResource {
  const patched = applyPatch(resource, body, GROUP_RESOURCE_TYPE);
  const displayName = patched['displayName'];
  if (typeof displayName !== 'string' || [...displayName].length < 1 || [...displayName].length > 256) {
    throw scimBadRequest('invalidValue', 'displayName must be 1 to 256 characters long');
  }
  const members = Array.isArray(patched['members']) ? (patched['members'] as unknown[]) : [];
  members.forEach((member, i) => readMemberRef(member, `members[${i}]`));
  for (const key of ['id', 'meta']) if (resource[key] !== undefined) patched[key] = resource[key];
  return orderResource(patched, GROUP_RESOURCE_TYPE);
}
