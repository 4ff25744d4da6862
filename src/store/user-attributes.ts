/**
 * Where each SCIM User attribute lives in the store, shared by both adapters so a filter or
 * sortBy means the same thing on SQLite and MongoDB.
 */
import { foldCase } from './case-fold';
import type { AttrPath, FilterValue } from './query';
import type { User } from './port';

/** User fields that are real columns (SQLite) / top-level fields (MongoDB). */
export type UserColumn = 'id' | 'handle' | 'externalId' | 'displayName' | 'createdAt' | 'updatedAt';
export type EmailField = 'value' | 'type' | 'primary' | 'display';

export type UserAttribute =
  /** `caseInsensitive`: the schema says caseExact=false, so sorting ignores case. */
  | { kind: 'column'; column: UserColumn; timestamp: boolean; caseInsensitive: boolean }
  /** SCIM `active` is derived from status: active ⇔ status = 'active'. */
  | { kind: 'active' }
  /** emails.* live in a side table (SQLite) / shadow array (MongoDB); bare `emails` means `emails.value`. */
  | { kind: 'emails'; field: EmailField }
  /** Anything else is read from the stored `scim` JSON: `segments` lead to the attribute, `sub` into it. */
  | { kind: 'scim'; segments: string[]; sub: string | null };

const COLUMNS: Record<string, UserAttribute> = {
  id: { kind: 'column', column: 'id', timestamp: false, caseInsensitive: false },
  userName: { kind: 'column', column: 'handle', timestamp: false, caseInsensitive: true },
  externalId: { kind: 'column', column: 'externalId', timestamp: false, caseInsensitive: false },
  displayName: { kind: 'column', column: 'displayName', timestamp: false, caseInsensitive: true },
  'meta.created': { kind: 'column', column: 'createdAt', timestamp: true, caseInsensitive: false },
  'meta.lastModified': { kind: 'column', column: 'updatedAt', timestamp: true, caseInsensitive: false },
  active: { kind: 'active' },
};

const EMAIL_FIELDS: readonly EmailField[] = ['value', 'type', 'primary', 'display'];

/** SCIM ATTRNAME (RFC 7643 §2.1) plus `$ref`; nothing that could break out of a JSON path. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9._:-]*$/i;

/**
 * The comparison key of a directory-profile userName (RFC 7643 caseExact=false, unique per team):
 * the store's one case-folding rule, A–Z only (src/store/case-fold.ts), stored and compared by both
 * adapters, so `É`/`é` are two userNames everywhere.
 */
export const foldUserName = foldCase;

export class UnmappableAttributeError extends Error {
  constructor(path: string) {
    super(`cannot map attribute path "${path}" to the user store`);
    this.name = 'UnmappableAttributeError';
  }
}

export function describePath(path: AttrPath): string {
  return path.sub ? `${path.attr}.${path.sub}` : path.attr;
}

export function resolveUserAttribute(path: AttrPath): UserAttribute {
  const name = describePath(path);
  if (Object.hasOwn(COLUMNS, name)) return COLUMNS[name]!; // hasOwn: "constructor" is no column
  if (path.attr === 'emails') return { kind: 'emails', field: emailField(path.sub ?? 'value', name) };
  if (path.attr === 'meta') throw new UnmappableAttributeError(name); // only created/lastModified are stored
  const segments = scimSegments(path.attr);
  if (path.sub !== undefined && !ATTRIBUTE_NAME.test(path.sub)) throw new UnmappableAttributeError(name);
  return { kind: 'scim', segments, sub: path.sub ?? null };
}

/** Inside `emails[...]` paths are relative to one email: value, type, primary, display. */
export function resolveEmailAttribute(path: AttrPath): EmailField {
  if (path.sub !== undefined) throw new UnmappableAttributeError(`emails.${describePath(path)}`);
  return emailField(path.attr, `emails.${path.attr}`);
}

/** Inside `attr[...]` for a JSON attribute: the relative path as JSON keys. */
export function relativeSegments(path: AttrPath): string[] {
  const segments = [path.attr, ...(path.sub === undefined ? [] : [path.sub])];
  if (!segments.every((s) => ATTRIBUTE_NAME.test(s))) throw new UnmappableAttributeError(describePath(path));
  return segments;
}

function emailField(sub: string, name: string): EmailField {
  const field = EMAIL_FIELDS.find((f) => f === sub);
  if (!field) throw new UnmappableAttributeError(name);
  return field;
}

/**
 * "title" → ["title"]; an extension attribute keeps its schema URN as one key:
 * "urn:…:enterprise:2.0:User:department" → ["urn:…:enterprise:2.0:User", "department"].
 */
export function scimSegments(attr: string): string[] {
  if (/^urn:/i.test(attr)) {
    const cut = attr.lastIndexOf(':');
    const urn = attr.slice(0, cut);
    const name = attr.slice(cut + 1);
    if (!SCHEMA_URN.test(urn) || !ATTRIBUTE_NAME.test(name)) throw new UnmappableAttributeError(attr);
    return [urn, name];
  }
  if (!ATTRIBUTE_NAME.test(attr)) throw new UnmappableAttributeError(attr);
  return [attr];
}

/** meta.created "2024-01-02T03:04:05Z" must compare with stored "2024-01-02T03:04:05.000Z". */
export function normaliseColumnValue<T extends FilterValue>(attribute: UserAttribute, value: T): T | string {
  if (attribute.kind !== 'column' || !attribute.timestamp || typeof value !== 'string') return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export interface EmailRecord {
  position: number;
  value: string | null;
  type: string | null;
  primary: boolean;
  display: string | null;
}

/** The searchable copy of `user.scim.emails`; entries that are not objects are ignored. */
export function emailRecords(scim: User['scim']): EmailRecord[] {
  const emails = scim['emails'];
  if (!Array.isArray(emails)) return [];
  const records: EmailRecord[] = [];
  emails.forEach((entry: unknown, position) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    records.push({
      position,
      value: typeof e['value'] === 'string' ? e['value'] : null,
      type: typeof e['type'] === 'string' ? e['type'] : null,
      primary: e['primary'] === true,
      display: typeof e['display'] === 'string' ? e['display'] : null,
    });
  });
  return records;
}

/** The email a sort by `emails` uses: the primary one, else the first (RFC 7644 §3.4.2.3). */
export function sortEmail(records: EmailRecord[]): string | null {
  const chosen = records.find((r) => r.primary && r.value !== null) ?? records.find((r) => r.value !== null);
  return chosen?.value == null ? null : foldCase(chosen.value);
}

/**
 * A sortBy string as an attribute path: "name.familyName" → {attr:"name", sub:"familyName"};
 * extension URNs contain dots ("…:2.0:User:manager.value"), so only the part after the last ':' is split.
 */
export function parseAttributePath(text: string): AttrPath {
  const cut = /^urn:/i.test(text) ? text.lastIndexOf(':') + 1 : 0;
  const dot = text.indexOf('.', cut);
  return dot < 0 ? { attr: text } : { attr: text.slice(0, dot), sub: text.slice(dot + 1) };
}
