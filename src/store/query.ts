/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2), independent of any engine. src/scim/filter parses
 * request text into it; each store adapter compiles it to its own query language.
 * Attribute paths are already canonical (schema spelling, URN prefix removed for core attributes,
 * kept for extension attributes, e.g. "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").
 */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export interface AttrPath {
  /** Top-level attribute, canonical spelling (e.g. "userName", "emails", "meta"). */
  attr: string;
  /** Sub-attribute, canonical spelling (e.g. "value", "givenName", "lastModified"). */
  sub?: string;
}

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue; caseExact: boolean }
  | { kind: 'present'; path: AttrPath }
  /** emails[type eq "work" and value co "@acme"]: `filter`'s paths are relative to `attr`. */
  | { kind: 'valuePath'; attr: string; filter: FilterNode };
