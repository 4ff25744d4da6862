/**
 * SCIM filters: text → FilterNode (src/store/query.ts), FilterNode → text, and an in-memory
 * evaluator for value-path filters in PATCH and for Group member filters.
 */
import type { AttrPath, FilterNode } from '../store/query';
import { resolveAttrPath } from './attr-path';
import { scimBadRequest } from './errors';
import { FilterParser, type PatchPath } from './filter-parser';
import { findSubAttribute, USER_RESOURCE_TYPE, type ResourceTypeDef } from './resource-types';

export { matchesFilter } from './filter-eval';
export { formatFilter } from './filter-format';
export { ScimFilterError } from './errors';
export type { PatchPath } from './filter-parser';

/**
 * Parses an RFC 7644 §3.4.2.2 filter for a resource type (Users unless given).
 * Throws ScimFilterError (400 invalidFilter) whose detail names the position and what was expected.
 */
export function parseFilter(text: string, resourceType: ResourceTypeDef = USER_RESOURCE_TYPE): FilterNode {
  if (resourceType === USER_RESOURCE_TYPE) {
    const lookup = USER_LOOKUP.exec(text);
    if (lookup) {
      const attr = lookup[1]!.toLowerCase() === 'username' ? 'userName' : 'externalId';
      return { kind: 'compare', path: { attr }, op: 'eq', value: lookup[2]!, caseExact: attr === 'externalId' };
    }
  }
  return new FilterParser(String(text), resourceType, 'filter').parseFilter();
}

/**
 * The lookup every IdP sends before a write, `userName eq "…"` or `externalId eq "…"` (no escapes),
 * recognised without running the parser: it is the most frequent SCIM request. The result is the
 * node the parser gives (test/unit/scim/filter-parse.test.ts checks both agree); anything else —
 * escapes, URN prefixes, other operators — goes to the parser.
 */
const USER_LOOKUP = /^\s*(userName|externalId)\s+eq\s+"([^"\\]*)"\s*$/i;

/** Parses an RFC 7644 §3.5.2 PATCH path. Throws ScimFilterError with scimType invalidPath. */
export function parsePatchPath(text: string, resourceType: ResourceTypeDef = USER_RESOURCE_TYPE): PatchPath {
  return new FilterParser(String(text), resourceType, 'path').parsePatchPath();
}

/**
 * Resolves a sortBy parameter (RFC 7644 §3.4.2.3) to a canonical path. A multi-valued complex
 * attribute sorts by its value (emails → emails.value). Throws 400 invalidValue for unknown names.
 */
export function parseSortBy(text: string, resourceType: ResourceTypeDef = USER_RESOURCE_TYPE): AttrPath {
  const resolution = resolveAttrPath(resourceType, String(text).trim());
  if (!resolution.ok) throw scimBadRequest('invalidValue', `sortBy: ${resolution.reason}`);
  if ('schemaOnly' in resolution.value) throw scimBadRequest('invalidValue', 'sortBy names a schema, not an attribute');
  const { def, subDef, path } = resolution.value;
  if ((subDef ?? def).type !== 'complex') return path;
  if (def.multiValued && findSubAttribute(def, 'value')) return { attr: path.attr, sub: 'value' };
  throw scimBadRequest('invalidValue', `sortBy: "${def.name}" is complex; sort by one of its sub-attributes, e.g. ${def.name}.${def.subAttributes?.[0]?.name ?? 'value'}`);
}
