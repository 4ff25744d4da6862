/**
 * Extension schemas an IdP adds that Gatehouse does not define (Entra ID's
 * urn:ietf:params:scim:schemas:extension:<Name>:2.0:User, Okta custom attributes, any `urn:` listed
 * in `schemas`): kept as opaque JSON under their URN, size-bounded, echoed back — never a 400 that
 * stops a whole directory sync. Also collects the top-level attributes no schema defines, which are
 * ignored, so the provisioning log can say what was dropped.
 */
import { matchSchemaPrefix, resolveCoreAttribute } from './attr-path';
import { scimBadRequest } from './errors';
import { isObject } from './filter-eval';
import type { ResourceTypeDef } from './resource-types';
import { describe, type ScimResource } from './values';

/** Characters of JSON all custom extensions of one resource may take together. */
export const CUSTOM_EXTENSIONS_LIMIT = 16_384;

const URN = /^urn:/i;

/** True for a `urn:` key that is none of this resource type's schemas (nor inside one). */
export function isCustomExtensionKey(resourceType: ResourceTypeDef, key: string): boolean {
  return URN.test(key) && matchSchemaPrefix(resourceType, key) === undefined;
}

/** Where a custom `urn:…` key or PATCH path points: the whole extension object, or one attribute in it. */
export function customExtensionTarget(key: string, knownUrns: readonly string[]): { urn: string; attr: string | null } {
  const lower = key.toLowerCase();
  const whole = knownUrns.find((u) => u.toLowerCase() === lower);
  if (whole) return { urn: whole, attr: null };
  const prefix = knownUrns.find((u) => lower.startsWith(`${u.toLowerCase()}:`));
  if (prefix) return { urn: prefix, attr: key.slice(prefix.length + 1) };
  // Not declared: "urn:…:User:employeeLevel" → the URN and its attribute, split at the last colon.
  const cut = key.lastIndexOf(':');
  return { urn: key.slice(0, cut), attr: key.slice(cut + 1) };
}

/** The `schemas` entries and `urn:` keys of a resource that name custom extensions. */
export function customUrnsOf(resourceType: ResourceTypeDef, resource: ScimResource): string[] {
  const urns = new Set<string>();
  const schemasKey = Object.keys(resource).find((k) => k.toLowerCase() === 'schemas');
  const declared = schemasKey ? resource[schemasKey] : undefined;
  if (Array.isArray(declared)) for (const urn of declared) if (typeof urn === 'string' && isCustomExtensionKey(resourceType, urn)) urns.add(urn);
  for (const key of Object.keys(resource)) if (isCustomExtensionKey(resourceType, key) && isObject(resource[key])) urns.add(key);
  return [...urns];
}

export interface CustomParts {
  /** URN → the extension's attributes, as sent. */
  extensions: Record<string, ScimResource>;
  /** Top-level attribute names no schema of the resource defines (ignored). */
  ignored: string[];
}

/** Reads the custom extensions and the ignored attributes of a client body (or a stored resource). */
export function readCustomParts(resourceType: ResourceTypeDef, resource: ScimResource): CustomParts {
  const urns = customUrnsOf(resourceType, resource);
  const extensions: Record<string, ScimResource> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (!URN.test(key)) {
      if (!resolveCoreAttribute(resourceType, key)) ignored.push(key);
      continue;
    }
    if (!isCustomExtensionKey(resourceType, key)) continue;
    const { urn, attr } = customExtensionTarget(key, urns);
    if (value === null || value === undefined) continue;
    if (attr === null) {
      if (!isObject(value)) throw scimBadRequest('invalidValue', `${clip(urn)} must be an object of its attributes, got ${describe(value)}`);
      extensions[urn] = { ...(extensions[urn] ?? {}), ...value };
    } else {
      extensions[urn] = { ...(extensions[urn] ?? {}), [attr]: value };
    }
  }
  for (const urn of Object.keys(extensions)) if (Object.keys(extensions[urn]!).length === 0) delete extensions[urn];
  checkSize(extensions);
  return { extensions, ignored };
}

export function checkSize(extensions: Record<string, unknown>): void {
  const size = JSON.stringify(extensions).length;
  if (Object.keys(extensions).length > 0 && size > CUSTOM_EXTENSIONS_LIMIT) {
    throw scimBadRequest('invalidValue', `the custom extension data (${Object.keys(extensions).map(clip).join(', ')}) is ${size} characters of JSON; the limit is ${CUSTOM_EXTENSIONS_LIMIT}. Map fewer or shorter attributes to it.`);
  }
}

/** One line for the provisioning log: what was ignored and which custom extensions were stored. */
export function describeCustomParts(parts: CustomParts): string | null {
  const lines: string[] = [];
  if (parts.ignored.length > 0) lines.push(`ignored attributes no schema defines: ${parts.ignored.slice(0, 10).map(clip).join(', ')}${parts.ignored.length > 10 ? '…' : ''}`);
  const urns = Object.keys(parts.extensions);
  if (urns.length > 0) lines.push(`stored custom extensions: ${urns.map(clip).join(', ')}`);
  return lines.length > 0 ? lines.join('; ') : null;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
